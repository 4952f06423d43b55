namespace NetDsl;

/// <summary>
/// How a mini-batch is cut into shards for parallel workers. The cut depends on the batch size
/// alone — never on the thread count — and shard gradients are summed in shard order, so a run
/// gives the same bits on 1, 2 or 64 threads.
/// </summary>
internal readonly record struct ShardPlan(int Rows, int Count, int RowsPerShard)
{
    /// <summary>Fewer rows than this are not worth a shard of their own.</summary>
    public const int MinRowsPerShard = 16;

    /// <summary>At most this many shards, bounding the memory and the reduction's cost.</summary>
    public const int MaxShards = 8;

    public static ShardPlan For(int rows)
    {
        int count = Math.Clamp((rows + MinRowsPerShard - 1) / MinRowsPerShard, 1, MaxShards);
        int perShard = (rows + count - 1) / count;
        return new ShardPlan(rows, (rows + perShard - 1) / perShard, perShard);
    }

    public int Start(int shard) => shard * RowsPerShard;

    public int Length(int shard) => Math.Min(RowsPerShard, Rows - Start(shard));
}
