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
    /// Fewer rows than this are not worth a shard of their own: each shard writes a whole gradient
    /// and the sum reads it back, memory traffic that a shard of few rows does not pay back (on a
    /// 670k-parameter network, 16-row shards cost a two-core machine about half a step more than 64-row ones).
    /// </summary>
    public const int MinRowsPerShard = 32;

    /// <summary>The most shards a batch is cut into: the most threads, or processes, one batch keeps busy.</summary>
    public const int MaxShards = 8;

    public static ShardPlan For(int rows)
    {
        int count = Math.Clamp((rows + MinRowsPerShard - 1) / MinRowsPerShard, 1, MaxShards);
        int perShard = (rows + count - 1) / count;
        return new ShardPlan(rows, (rows + perShard - 1) / perShard, perShard);
    }

    /// <summary>
    /// The most rows a shard holds for any batch of up to <paramref name="maxRows"/> rows: batches up
    /// to <see cref="MinRowsPerShard"/> rows are one shard, so a smaller batch can have a bigger shard
    /// than the largest batch.
    /// </summary>
    public static int MaxRowsPerShard(int maxRows) => Math.Max(Math.Min(maxRows, MinRowsPerShard), For(maxRows).RowsPerShard);

    public int Start(int shard) => shard * RowsPerShard;

    public int Length(int shard) => Math.Min(RowsPerShard, Rows - Start(shard));
}
