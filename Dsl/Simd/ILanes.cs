using System.Runtime.Intrinsics;

namespace NetDsl.Simd;

/// <summary>
/// One vector width: a run of <see cref="Count"/> floats processed together. <see cref="Lanes512"/>,
/// <see cref="Lanes256"/> and <see cref="Lanes128"/> wrap the hardware vectors, <see cref="Lane1"/> is a
/// single float. Code written once over <c>T : struct, ILanes&lt;T&gt;</c> (the matrix kernels, the
/// <see cref="IElementwise"/> operations) is compiled by the JIT once per width, every call inlined.
/// </summary>
/// <remarks>
/// <para>
/// The arithmetic operators, <see cref="Sqrt"/>, <see cref="Max"/> and <see cref="WherePositive"/> are
/// exact IEEE single precision (correctly rounded), so an elementwise computation written with them gives
/// the same bits in every lane of every width, the single float included.
/// <see cref="MultiplyAdd"/> is the one exception: fused where the hardware has FMA, which is a fixed choice
/// per machine (so still deterministic); the matrix kernels use it, the elementwise operations do not.
/// </para>
/// <para>Loads and stores are unchecked: the caller keeps them in range.</para>
/// </remarks>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on vector hardware here (otherwise .NET emulates it, slowly).</summary>
    static abstract bool IsHardwareAccelerated { get; }

    static abstract TSelf Zero { get; }

    static abstract TSelf Load(ref float source);

    static abstract TSelf Load(ReadOnlySpan<float> source, nuint index);

    void Store(ref float destination);

    void Store(Span<float> destination, nuint index);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(float value);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, float right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf value);

    /// <summary>a·b + c, fused where the hardware has FMA (<see cref="Lanes.HasFma"/>), else rounded twice.</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Sqrt(TSelf value);

    /// <summary>IEEE 754 maximum, as <see cref="MathF.Max(float, float)"/>: NaN if either is NaN, +0 over −0.</summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary><paramref name="value"/> in the lanes where <paramref name="condition"/> &gt; 0, +0 elsewhere (NaN included).</summary>
    static abstract TSelf WherePositive(TSelf condition, TSelf value);

    /// <summary>[Σa, Σb, Σc, Σd], each summed in a fixed order.</summary>
    static abstract Vector128<float> Sum4(TSelf a, TSelf b, TSelf c, TSelf d);
}
