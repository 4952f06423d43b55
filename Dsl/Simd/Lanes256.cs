using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Simd;

/// <summary>Eight floats in a <see cref="Vector256{T}"/> (AVX-256).</summary>
internal readonly struct Lanes256(Vector256<float> value) : ILanes<Lanes256>
{
    private readonly Vector256<float> v = value;

    public static int Count => Vector256<float>.Count;
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;
    public static Lanes256 Zero => new(Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ref float source) => new(Vector256.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ReadOnlySpan<float> source, nuint index) =>
        new(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination) => v.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<float> destination, nuint index) => v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(float value) => new(Vector256.Create(value));

    public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.v + right.v);
    public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left.v - right.v);
    public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.v * right.v);
    public static Lanes256 operator *(Lanes256 left, float right) => new(left.v * right);
    public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.v / right.v);
    public static Lanes256 operator -(Lanes256 value) => new(-value.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 MultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) =>
        new(Lanes.HasFma ? Vector256.FusedMultiplyAdd(a.v, b.v, c.v) : a.v * b.v + c.v);

    public static Lanes256 Sqrt(Lanes256 value) => new(Vector256.Sqrt(value.v));
    public static Lanes256 Max(Lanes256 left, Lanes256 right) => new(Vector256.Max(left.v, right.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 WherePositive(Lanes256 condition, Lanes256 value) =>
        new(Vector256.ConditionalSelect(Vector256.GreaterThan(condition.v, Vector256<float>.Zero), value.v, Vector256<float>.Zero));

    /// <summary>Halves added lane by lane, then <see cref="Lanes128.Sum4(Vector128{float}, Vector128{float}, Vector128{float}, Vector128{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Lanes256 a, Lanes256 b, Lanes256 c, Lanes256 d) =>
        Sum4(a.v, b.v, c.v, d.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
        Lanes128.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
}
