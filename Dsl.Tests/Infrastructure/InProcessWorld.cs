using System.Runtime.InteropServices;

namespace NetDsl.Tests;

/// <summary>
/// A distributed run's processes as threads of this one, for tests without MPI: <see cref="ICommunicator"/> over
/// in-memory mailboxes, one per sender, receiver and kind (point to point, collective), so messages between two
/// ranks arrive in order and a broadcast never matches a send. A wait longer than the time limit, or a rank's
/// <see cref="ICommunicator.Fail"/>, makes every waiting rank throw <see cref="DistributedTrainingException"/>.
/// </summary>
internal sealed class InProcessWorld
{
    private readonly object _gate = new();
    private readonly Queue<byte[]>[,,] _mail;
    private (int Rank, Exception Error)? _failure;

    public InProcessWorld(int size, TimeSpan timeout, GradientSum sum = GradientSum.Ordered)
    {
        Size = size;
        Timeout = timeout;
        _mail = new Queue<byte[]>[size, size, 2];
        foreach (int from in Enumerable.Range(0, size))
            foreach (int to in Enumerable.Range(0, size))
                for (int kind = 0; kind < 2; kind++) _mail[from, to, kind] = new Queue<byte[]>();
        Ranks = [.. Enumerable.Range(0, size).Select(rank => new Rank(this, rank, sum))];
    }

    public int Size { get; }

    public TimeSpan Timeout { get; }

    public IReadOnlyList<Rank> Ranks { get; }

    /// <summary>The first rank that called Fail, if any.</summary>
    public int? FailedRank { get { lock (_gate) return _failure?.Rank; } }

    /// <summary>
    /// Runs <paramref name="body"/> for every rank, each on its own thread, and returns each rank's result or
    /// exception. A thread still running after <paramref name="limit"/> fails the test: a rank hung.
    /// </summary>
    public static (T? Result, Exception? Error)[] Run<T>(int size, Func<ICommunicator, T> body, TimeSpan? timeout = null, GradientSum sum = GradientSum.Ordered)
        => new InProcessWorld(size, timeout ?? TimeSpan.FromSeconds(30), sum).Run(body);

    public (T? Result, Exception? Error)[] Run<T>(Func<ICommunicator, T> body)
    {
        var outcomes = new (T? Result, Exception? Error)[Size];
        var threads = Ranks.Select((rank, r) => new Thread(() =>
        {
            try { outcomes[r] = (body(rank), null); }
            catch (Exception e) { outcomes[r] = (default, e); }
        }, 16 << 20) { IsBackground = true, Name = $"rank {r}" }).ToArray();
        foreach (var thread in threads) thread.Start();
        var limit = Timeout * 4 + TimeSpan.FromSeconds(60);
        foreach (var thread in threads)
            Assert.True(thread.Join(limit), $"{thread.Name} still runs after {limit.TotalSeconds} s: a rank hung.");
        return outcomes;
    }

    private void Post(int from, int to, int kind, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _mail[from, to, kind].Enqueue(data.ToArray());
            Monitor.PulseAll(_gate);
        }
    }

    private void Take(int from, int to, int kind, Span<byte> data)
    {
        var deadline = DateTime.UtcNow + Timeout;
        lock (_gate)
        {
            while (true)
            {
                if (_failure is { } failure && failure.Rank != to)
                    throw new DistributedTrainingException($"Rank {failure.Rank} failed: {failure.Error.Message}", failure.Error);
                if (_mail[from, to, kind].TryDequeue(out var message))
                {
                    if (message.Length != data.Length)
                        throw new InvalidOperationException($"Rank {to} expected {data.Length} bytes from rank {from}, got {message.Length}.");
                    message.CopyTo(data);
                    return;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new DistributedTrainingException($"Rank {to} waited {Timeout.TotalSeconds} s for rank {from}, which stopped answering.");
                Monitor.Wait(_gate, left);
            }
        }
    }

    private void Fail(int rank, Exception error)
    {
        lock (_gate)
        {
            _failure ??= (rank, error);
            Monitor.PulseAll(_gate);
        }
    }

    public sealed class Rank(InProcessWorld world, int rank, GradientSum sum) : ICommunicator
    {
        private const int PointToPoint = 0, Collective = 1;

        int ICommunicator.Rank => rank;

        public int Size => world.Size;

        public GradientSum GradientSum => sum;

        /// <summary>Calls of <see cref="ICommunicator.Fail"/> on this rank.</summary>
        public int Failures { get; private set; }

        public void Send(ReadOnlySpan<byte> data, int destination) => world.Post(rank, destination, PointToPoint, data);

        public void Receive(Span<byte> data, int source) => world.Take(source, rank, PointToPoint, data);

        public void Broadcast(Span<byte> data, int root)
        {
            if (rank != root) world.Take(root, rank, Collective, data);
            else
                for (int to = 0; to < world.Size; to++)
                    if (to != root) world.Post(root, to, Collective, data);
        }

        // Rank 0 adds the ranks' values in rank order and sends the sums back.
        public void AllReduceSum(Span<float> values)
        {
            var bytes = MemoryMarshal.AsBytes(values);
            if (rank != 0)
            {
                world.Post(rank, 0, Collective, bytes);
                world.Take(0, rank, Collective, bytes);
                return;
            }
            var theirs = new float[values.Length];
            for (int from = 1; from < world.Size; from++)
            {
                world.Take(from, 0, Collective, MemoryMarshal.AsBytes(theirs.AsSpan()));
                for (int i = 0; i < values.Length; i++) values[i] += theirs[i];
            }
            for (int to = 1; to < world.Size; to++) world.Post(0, to, Collective, bytes);
        }

        public void Fail(Exception error)
        {
            Failures++;
            world.Fail(rank, error);
        }
    }
}
