namespace NetDsl;

/// <summary>
/// How a mini-batch is cut into shards for parallel workers. The cut depends on the batch size and
/// the machine's core count — never on the thread count a run asks for — and shard gradients are
/// summed in shard order, so on a given machine a run gives the same bits on 1, 2 or 64 threads.
/// (Across machines the SIMD kernels differ anyway: the bits are a machine's, not the world's.)
/// </summary>
internal readonly record struct ShardPlan(int Rows, int Count, int RowsPerShard)
{
    /// <summary>Fewer rows than this are not worth a shard of their own.</summary>
    public const int MinRowsPerShard = 16;

    /// <summary>
    /// At most one shard a core (2 to 8): each shard costs a gradient buffer and a pass to sum it,
    /// memory traffic that more shards than cores never pays back.
    /// </summary>
    public static readonly int MaxShards = Math.Clamp(Environment.ProcessorCount, 2, 8);

    public static ShardPlan For(int rows)
    {
        int count = Math.Clamp((rows + MinRowsPerShard - 1) / MinRowsPerShard, 1, MaxShards);
        int perShard = (rows + count - 1) / count;
        return new ShardPlan(rows, (rows + perShard - 1) / perShard, perShard);
    }

    /// <summary>
    /// The most rows a shard holds for any batch of up to <paramref name="maxRows"/> rows: batches up
    /// to 16 rows are one shard, so a smaller batch can have a bigger shard than the largest batch.
    /// </summary>
    public static int MaxRowsPerShard(int maxRows) => Math.Max(Math.Min(maxRows, MinRowsPerShard), For(maxRows).RowsPerShard);

    public int Start(int shard) => shard * RowsPerShard;

    public int Length(int shard) => Math.Min(RowsPerShard, Rows - Start(shard));
}
