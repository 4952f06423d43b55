using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NetDsl;

/// <summary>
/// Sums the shard gradients of every process of a distributed run, so that each process holds the sum of the
/// whole batch. Which shards a process computes, and in what order their gradients meet, are fixed by the
/// shard plan and the process count alone.
/// </summary>
/// <remarks>
/// <para>
/// The ordered sum is a chain: process 0 adds its shards g₀ + g₁ + … and sends the partial sum to process 1,
/// which adds its shards to it and sends it on; the last process with shards broadcasts the total. Each sum
/// is the left fold (((g₀ + g₁) + g₂) + …) one process computes, element by element, so the bits are one
/// process's whatever the process count. The chain goes a chunk at a time: while process r adds chunk c,
/// process r + 1 adds chunk c − 1, so it costs about one pass over the gradient, not one per process.
/// </para>
/// <para>The all-reduce sum (<see cref="GradientSum.AllReduce"/>) leaves the order to the transport.</para>
/// </remarks>
internal sealed class ShardExchange
{
    /// <summary>Floats a chain message carries: 256 KiB, large enough that a message's latency is small next to its copy.</summary>
    public const int ChunkFloats = 64 * 1024;

    private readonly ICommunicator _world;
    private readonly float[] _incoming = new float[ChunkFloats];
    private readonly float[] _counts = new float[3];
    private StepTotals _totals;

    public ShardExchange(ICommunicator world)
    {
        _world = world;
        Ordered = world.GradientSum == GradientSum.Ordered;
    }

    public int Rank => _world.Rank;

    public int Size => _world.Size;

    /// <summary>Whether the sum is the chain in shard order (else the transport's all-reduce).</summary>
    public bool Ordered { get; }

    /// <summary>
    /// The shards this process computes, consecutive: with at least as many shards as processes, a block each
    /// (the first ones one more); otherwise one each for the first processes and none for the rest.
    /// </summary>
    public static (int First, int Count) LocalShards(int shards, int rank, int size)
    {
        int each = shards / size, extra = shards % size;
        return (rank * each + Math.Min(rank, extra), each + (rank < extra ? 1 : 0));
    }

    public (int First, int Count) LocalShards(int shards) => LocalShards(shards, _world.Rank, _world.Size);

    /// <summary>
    /// The chain: sums this process's <paramref name="localShards"/> gradients (in <paramref name="gradients"/>
    /// 0, 1, …, with their losses and counts in <paramref name="passes"/>) onto what the process before sent,
    /// passes the result on, and receives the whole batch's sum into <c>gradients[0]</c>. Returns the whole
    /// batch's loss (summed in shard order) and accuracy counts.
    /// </summary>
    public (float Loss, long Correct, long Counted) SumInShardOrder(float[][] gradients, ReadOnlySpan<LossAndAccuracy> passes,
        int localShards, int shards, int parameterCount)
    {
        int rank = _world.Rank, chain = Math.Min(shards, _world.Size), last = chain - 1;
        if (rank < chain)
        {
            var totals = default(StepTotals);
            if (rank > 0) _world.Receive(AsBytes(ref totals), rank - 1);
            for (int i = 0; i < localShards; i++) totals = totals.Add(passes[i]);
            if (rank < last) _world.Send(AsBytes(ref totals), rank + 1);
            _totals = totals;

            for (int start = 0; start < parameterCount; start += ChunkFloats)
            {
                int length = Math.Min(ChunkFloats, parameterCount - start);
                Span<float> sum = gradients[0].AsSpan(start, length);
                if (rank > 0)
                {
                    Span<float> incoming = _incoming.AsSpan(0, length);
                    _world.Receive(MemoryMarshal.AsBytes(incoming), rank - 1);
                    TensorPrimitives.Add(incoming, sum, sum); // (g₀ + … + g_{a−1}) + g_a: the partial sum on the left, as one process adds
                }
                for (int i = 1; i < localShards; i++)
                    TensorPrimitives.Add(sum, gradients[i].AsSpan(start, length), sum);
                if (rank < last) _world.Send(MemoryMarshal.AsBytes(sum), rank + 1);
            }
        }
        _world.Broadcast(AsBytes(ref _totals), last);
        _world.Broadcast(MemoryMarshal.AsBytes(gradients[0].AsSpan(0, parameterCount)), last);
        return (_totals.Loss, _totals.Correct, _totals.Counted);
    }

    /// <summary>
    /// The fast path: <paramref name="sum"/> holds this process's own shards' sum (zeros if it has none), which
    /// becomes the sum over every process; the losses and counts are summed alike.
    /// </summary>
    public (float Loss, long Correct, long Counted) AllReduce(Span<float> sum, float loss, long correct, long counted)
    {
        _world.AllReduceSum(sum);
        // Counts are at most a batch's rows: exact in a float below 2²⁴.
        _counts[0] = loss;
        _counts[1] = correct;
        _counts[2] = counted;
        _world.AllReduceSum(_counts);
        return (_counts[0], (long)_counts[1], (long)_counts[2]);
    }

    private static Span<byte> AsBytes(ref StepTotals totals) => MemoryMarshal.AsBytes(new Span<StepTotals>(ref totals));

    // The step's loss and accuracy counts so far, carried along the chain: the loss is a float summed shard by
    // shard, exactly as one process sums it.
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct StepTotals(float Loss, long Correct, long Counted)
    {
        public StepTotals Add(in LossAndAccuracy pass) => new(Loss + pass.Loss, Correct + pass.Correct, Counted + pass.Counted);
    }
}
