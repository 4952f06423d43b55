namespace NetDsl.Runtime;

/// <summary>Where a register tile's sums start, and where they go.</summary>
internal enum TileMode
{
    /// <summary>From zero, stored over C: the first block of a product.</summary>
    Overwrite,

    /// <summary>From C, stored back: a later depth block of the same sum, which goes on where the last one stopped.</summary>
    Continue,

    /// <summary>
    /// From zero, then C added and stored: a sum of its own added to C, as a shard's gradient is added to the
    /// shards' total (C + g, not a sum that continues into g's terms).
    /// </summary>
    Add,
}
