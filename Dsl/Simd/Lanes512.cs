using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Simd;

/// <summary>Sixteen floats in a <see cref="Vector512{T}"/> (AVX-512).</summary>
internal readonly struct Lanes512(Vector512<float> value) : ILanes<Lanes512>
{
    private readonly Vector512<float> v = value;

    public static int Count => Vector512<float>.Count;
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;
    public static Lanes512 Zero => new(Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ref float source) => new(Vector512.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ReadOnlySpan<float> source, nuint index) =>
        new(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination) => v.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<float> destination, nuint index) => v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));

    public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.v + right.v);
    public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left.v - right.v);
    public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.v * right.v);
    public static Lanes512 operator *(Lanes512 left, float right) => new(left.v * right);
    public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.v / right.v);
    public static Lanes512 operator -(Lanes512 value) => new(-value.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 MultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) =>
        new(Lanes.HasFma ? Vector512.FusedMultiplyAdd(a.v, b.v, c.v) : a.v * b.v + c.v);

    public static Lanes512 Sqrt(Lanes512 value) => new(Vector512.Sqrt(value.v));
    public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.Max(left.v, right.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 WherePositive(Lanes512 condition, Lanes512 value) =>
        new(Vector512.ConditionalSelect(Vector512.GreaterThan(condition.v, Vector512<float>.Zero), value.v, Vector512<float>.Zero));

    /// <summary>Halves added lane by lane, then <see cref="Lanes256.Sum4(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Lanes512 a, Lanes512 b, Lanes512 c, Lanes512 d) =>
        Lanes256.Sum4(a.v.GetLower() + a.v.GetUpper(), b.v.GetLower() + b.v.GetUpper(),
            c.v.GetLower() + c.v.GetUpper(), d.v.GetLower() + d.v.GetUpper());
}
