using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Simd;

/// <summary>One float, with the operations of the vector widths: the scalar tail of every loop, and the path of machines without SIMD.</summary>
internal readonly struct Lane1(float value) : ILanes<Lane1>
{
    private readonly float v = value;

    public static int Count => 1;
    public static bool IsHardwareAccelerated => true;
    public static Lane1 Zero => new(0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Load(ref float source) => new(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 Load(ReadOnlySpan<float> source, nuint index) =>
        new(Unsafe.Add(ref MemoryMarshal.GetReference(source), index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination) => destination = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<float> destination, nuint index) =>
        Unsafe.Add(ref MemoryMarshal.GetReference(destination), index) = v;

    public static Lane1 Broadcast(float value) => new(value);

    public static Lane1 operator +(Lane1 left, Lane1 right) => new(left.v + right.v);
    public static Lane1 operator -(Lane1 left, Lane1 right) => new(left.v - right.v);
    public static Lane1 operator *(Lane1 left, Lane1 right) => new(left.v * right.v);
    public static Lane1 operator *(Lane1 left, float right) => new(left.v * right);
    public static Lane1 operator /(Lane1 left, Lane1 right) => new(left.v / right.v);
    public static Lane1 operator -(Lane1 value) => new(-value.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 MultiplyAdd(Lane1 a, Lane1 b, Lane1 c) =>
        new(Lanes.HasFma ? MathF.FusedMultiplyAdd(a.v, b.v, c.v) : a.v * b.v + c.v);

    public static Lane1 Sqrt(Lane1 value) => new(MathF.Sqrt(value.v));
    public static Lane1 Max(Lane1 left, Lane1 right) => new(MathF.Max(left.v, right.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane1 WherePositive(Lane1 condition, Lane1 value) => new(condition.v > 0f ? value.v : 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Lane1 a, Lane1 b, Lane1 c, Lane1 d) => Vector128.Create(a.v, b.v, c.v, d.v);
}
