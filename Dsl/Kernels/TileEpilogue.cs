namespace NetDsl.Runtime;

/// <summary>
/// What a register tile does to its sums as it stores the last depth block of a product: a dense layer's bias and
/// ReLU, applied while the tile is in registers rather than in passes over C afterwards. Each is the operation the
/// separate pass would do (c + b, then max(0, ·)), so the bits are the same.
/// </summary>
[Flags]
internal enum TileEpilogue
{
    /// <summary>The sums as they are.</summary>
    None = 0,

    /// <summary>c + b, b the column's bias.</summary>
    Bias = 1,

    /// <summary>max(0, c), after the bias.</summary>
    Relu = 2,

    /// <summary>
    /// The tile's first vector of sums, before the bias, added up over its rows into a vector of sums: a batched
    /// Predict's check of its inputs (<see cref="FusedInputCheck"/>). The sums it stores are unchanged.
    /// </summary>
    AddUpSums = 4,
}
