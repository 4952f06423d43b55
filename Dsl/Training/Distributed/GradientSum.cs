namespace NetDsl;

/// <summary>How a distributed run sums the shards' gradients across its processes (<see cref="ICommunicator.GradientSum"/>).</summary>
public enum GradientSum
{
    /// <summary>
    /// In shard order: a chain from rank 0 to the last rank, each adding its shards to what it received, then
    /// a broadcast. The result is bit-identical to one process's, whatever the number of processes.
    /// </summary>
    Ordered,

    /// <summary>
    /// By the transport's all-reduce (MPI_Allreduce): each process sums its own shards, then the processes' sums
    /// are added in an order the transport picks. Faster across many processes; the bits may change with the
    /// process count, though every process still gets the same ones.
    /// </summary>
    AllReduce,
}
