namespace NetDsl.Simd;

/// <summary>
/// An elementwise operation over spans, written once over the lane type (element <c>i</c> of the
/// output depends only on element <c>i</c> of the inputs) and run by
/// <see cref="Lanes.Run{TOperation}"/> at every width the hardware has, down to a single float.
/// </summary>
/// <remarks>
/// Implementations are <c>readonly ref struct</c>s holding their spans and settings; written with the exact
/// operations of <see cref="ILanes{TSelf}"/> (no <see cref="ILanes{TSelf}.MultiplyAdd"/>), an element gets the
/// same bits whichever width it lands in.
/// </remarks>
internal interface IElementwise
{
    /// <summary>Processes elements <paramref name="index"/> … <paramref name="index"/> + <c>T.Count</c> − 1.</summary>
    void Apply<T>(nuint index) where T : struct, ILanes<T>;
}
