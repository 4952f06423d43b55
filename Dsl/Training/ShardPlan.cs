namespace NetDsl;

/// <summary>
/// How a mini-batch is cut into shards, the units of parallel work: each shard's gradient is
/// computed whole by one worker (a thread, or a process of a distributed run) and the shards'
/// gradients are summed in shard order. The cut depends on the batch size alone — never on the
/// machine's cores, the threads a run asks for or the processes it runs on — so a run gives the
/// same bits on 1 or 64 threads, on one process or eight. (Across machines of different SIMD
/// widths the kernels differ anyway: the bits are a machine type's, not the world's.)
/// </summary>
internal readonly record struct ShardPlan(int Rows, int Count, int RowsPerShard)
{
    /// <summary>
    /// The fewest rows of a shard, unless the batch is one shard: fewer are not worth a shard of their own (a
    /// distributed run's process writes a whole gradient for each, and the products of few rows run slowly). It
    /// also keeps every shard on the same path of the kernels as a group of shards: the matrix product takes a
    /// path of its own below 32 rows (<see cref="Kernels.PackedFrom"/>), so a row's bits would otherwise depend
    /// on how many rows shared its call.
    /// </summary>
    public const int MinRowsPerShard = Kernels.PackedFrom;

    /// <summary>The most shards a batch is cut into: the most threads, or processes, one batch keeps busy.</summary>
    public const int MaxShards = 8;

    public static ShardPlan For(int rows)
    {
        int count = Math.Clamp(rows / MinRowsPerShard, 1, MaxShards);
        return new ShardPlan(rows, count, (rows + count - 1) / count);
    }

    /// <summary>
    /// The most rows a shard holds for any batch of up to <paramref name="maxRows"/> rows: a batch of
    /// fewer than two shards' rows is one shard, so a smaller batch can have a bigger shard than the
    /// largest batch (63 rows are one shard, 64 two of 32); from 256 rows on, shards grow with the batch.
    /// </summary>
    public static int MaxRowsPerShard(int maxRows) => Math.Max(Math.Min(maxRows, 2 * MinRowsPerShard - 1), For(maxRows).RowsPerShard);

    /// <summary>Where a shard starts: the rows are dealt out evenly, the shards' lengths differing by one at most.</summary>
    public int Start(int shard) => (int)((long)shard * Rows / Count);

    public int Length(int shard) => Start(shard + 1) - Start(shard);
}
