namespace NetDsl;

/// <summary>
/// The processes of a distributed training run, as <see cref="TrainOptions.Distributed"/> takes them: each
/// runs the same program on the same data, and together they train one network as one process would.
/// <c>NetDsl.Mpi</c>'s <c>Mpi.Start()</c> gives one over MPI.
/// </summary>
/// <remarks>
/// <para>
/// Fit calls these from the thread that called it, one at a time, in the same order on every process. Each
/// call blocks until its part is done. A call whose peer does not answer within the implementation's time limit
/// must not wait forever: it throws <see cref="DistributedTrainingException"/>, or ends the process (NetDsl.Mpi's
/// does, and mpirun then ends the job), so a lost process cannot hang the others.
/// </para>
/// <para>
/// Implement it to run NetDsl's data parallelism over another transport. Messages between two processes must
/// arrive in the order they were sent, and a <see cref="Broadcast"/> must not match a <see cref="Send"/>.
/// </para>
/// </remarks>
public interface ICommunicator
{
    /// <summary>This process's number, from 0 to <see cref="Size"/> − 1. Rank 0 reports progress and runs the callbacks.</summary>
    int Rank { get; }

    /// <summary>How many processes train together.</summary>
    int Size { get; }

    /// <summary>
    /// How the shards' gradients are summed across the processes: in shard order (the default: the bits of
    /// one process), or by the transport's all-reduce (faster, in an order the transport picks).
    /// </summary>
    GradientSum GradientSum => GradientSum.Ordered;

    /// <summary>Sends <paramref name="data"/> to process <paramref name="destination"/>; returns once the buffer may be reused.</summary>
    void Send(ReadOnlySpan<byte> data, int destination);

    /// <summary>Receives exactly <c>data.Length</c> bytes sent by process <paramref name="source"/>.</summary>
    void Receive(Span<byte> data, int source);

    /// <summary>Every process calls this with a buffer of the same length; afterwards all hold <paramref name="root"/>'s bytes.</summary>
    void Broadcast(Span<byte> data, int root);

    /// <summary>Every process calls this with as many values; afterwards all hold the element-wise sums, added in an order the transport picks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>
    /// This process's Fit failed with <paramref name="error"/> where the others cannot know it: make every process
    /// stop (an MPI job aborts, this process too). Fit then rethrows the error if this returns.
    /// </summary>
    void Fail(Exception error);
}
