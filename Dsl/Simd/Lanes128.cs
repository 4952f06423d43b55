using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Simd;

/// <summary>Four floats in a <see cref="Vector128{T}"/> (AVX-128).</summary>
internal readonly struct Lanes128(Vector128<float> value) : ILanes<Lanes128>
{
    private readonly Vector128<float> v = value;

    public static int Count => Vector128<float>.Count;
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;
    public static Lanes128 Zero => new(Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ref float source) => new(Vector128.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Load(ReadOnlySpan<float> source, nuint index) =>
        new(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(source), index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination) => v.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<float> destination, nuint index) => v.StoreUnsafe(ref MemoryMarshal.GetReference(destination), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 Broadcast(float value) => new(Vector128.Create(value));

    public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.v + right.v);
    public static Lanes128 operator -(Lanes128 left, Lanes128 right) => new(left.v - right.v);
    public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.v * right.v);
    public static Lanes128 operator *(Lanes128 left, float right) => new(left.v * right);
    public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.v / right.v);
    public static Lanes128 operator -(Lanes128 value) => new(-value.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 MultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 c) =>
        new(Lanes.HasFma ? Vector128.FusedMultiplyAdd(a.v, b.v, c.v) : a.v * b.v + c.v);

    public static Lanes128 Sqrt(Lanes128 value) => new(Vector128.Sqrt(value.v));
    public static Lanes128 Max(Lanes128 left, Lanes128 right) => new(Vector128.Max(left.v, right.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 WherePositive(Lanes128 condition, Lanes128 value) =>
        new(Vector128.ConditionalSelect(Vector128.GreaterThan(condition.v, Vector128<float>.Zero), value.v, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Lanes128 a, Lanes128 b, Lanes128 c, Lanes128 d) => Sum4(a.v, b.v, c.v, d.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        // Pairwise-add trees: [a0+a1, a2+a3, b0+b1, b2+b3] twice gives [Σa, Σb, Σc, Σd].
        if (Sse3.IsSupported)
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d));
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a, b), AdvSimd.Arm64.AddPairwise(c, d));
        return Vector128.Create(Vector128.Sum(a), Vector128.Sum(b), Vector128.Sum(c), Vector128.Sum(d));
    }
}
