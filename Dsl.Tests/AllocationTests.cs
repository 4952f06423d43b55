using Xunit;

namespace NetDsl.Tests;

/// <summary>Tests that count bytes allocated by the whole process run alone, after every parallel collection.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>A training step and Predict allocate nothing once warmed up.</summary>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests(ITestOutputHelper output)
{
    private const int WarmUp = 50, Measured = 300;

    private static long AllocatedOnThisThread(Action body)
    {
        for (int i = 0; i < WarmUp; i++) body();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Measured; i++) body();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static TheoryData<string, int> SingleThreaded() => new()
    {
        { nameof(PassFail), 1 },
        { nameof(PassFail), 8 },
        { nameof(KernelClassifier), 16 },
        { nameof(KernelClassifier), 64 },   // 4 shards, run one after the other, then reduced
        { nameof(KernelDropout), 37 },      // 3 shards, with dropout masks
        { nameof(WideClassifier), 33 },
    };

    [Theory]
    [MemberData(nameof(SingleThreaded))]
    public void Trainer_Step_allocates_nothing_on_one_thread(string network, int batch)
    {
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, batch, seed: 1);
        using var trainer = new Trainer(s.Network, new Adam(1e-4f), batch, maxDegreeOfParallelism: 1);
        ulong seed = 0;
        long bytes = AllocatedOnThisThread(() => trainer.Step(x, y, seed++));
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(nameof(PassFail), 8)]
    [InlineData(nameof(KernelClassifier), 64)]
    public void Trainer_Step_with_a_schedule_clipping_and_weight_decay_allocates_nothing(string network, int batch)
    {
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, batch, seed: 1);
        foreach (var optimizer in new Optimizer[]
        {
            new AdamW { ClipNorm = 0.5f, LearningRateSchedule = new CosineDecay(1e-3f, 1000, WarmupTarget: 1e-2f, WarmupSteps: 10) },
            new Sgd(0.01f) { GlobalClipNorm = 1f, WeightDecay = 0.01f, LearningRateSchedule = new PiecewiseConstantDecay([100], [0.01f, 0.001f]) },
        })
        {
            using var trainer = new Trainer(s.Network, optimizer, batch, maxDegreeOfParallelism: 1);
            ulong seed = 0;
            Assert.Equal(0, AllocatedOnThisThread(() => trainer.Step(x, y, seed++)));
        }
    }

    [Theory]
    [InlineData(nameof(KernelClassifier), 64, 2)]
    [InlineData(nameof(KernelDropout), 128, 4)]
    public void Trainer_Step_allocates_nothing_on_several_threads(string network, int batch, int threads)
    {
        // GC.GetTotalAllocatedBytes counts the test host's own chatter too (several KB a second here), so
        // it cannot prove zero. Instead: the calling thread (dispatch, its shards, the reduction, the
        // optimizer) is counted directly, and the shards run on worker threads are counted, on their own
        // threads, by a decorator around the network.
        var s = Subject.Create(network);
        var counting = new CountingNetwork(s.Network);
        var (x, y) = TestData.For(s.Spec, batch, seed: 1);
        using var trainer = new Trainer(counting, new Adam(1e-4f), batch, threads);
        ulong seed = 0;
        long callerBytes = AllocatedOnThisThread(() => trainer.Step(x, y, seed++));
        long shardBytes = Interlocked.Read(ref counting.AllocatedAfterWarmUp);
        output.WriteLine($"{network}, batch {batch}, {threads} threads: shards ran on {counting.DistinctThreads} threads; " +
            $"{callerBytes} bytes on the calling thread, {shardBytes} in the shards");
        Assert.True(counting.DistinctThreads >= 2, "The shards never left the calling thread: the test would prove nothing about workers.");
        Assert.Equal(0, callerBytes);
        Assert.Equal(0, shardBytes);
    }

    /// <summary>Forwards to a network and counts, on whichever thread runs a shard, the bytes that shard allocates.</summary>
    private sealed class CountingNetwork(INetworkModel inner) : INetworkModel
    {
        private readonly int[] _threads = new int[64];
        private int _calls;
        public long AllocatedAfterWarmUp;

        public int DistinctThreads => _threads.Where(t => t != 0).Distinct().Count();

        public int InputSize => inner.InputSize;
        public int OutputSize => inner.OutputSize;
        public Loss Loss => inner.Loss;
        public Span<float> Parameters => inner.Parameters;
        public NetworkWorkspace CreateWorkspace(int maxRows) => inner.CreateWorkspace(maxRows);
        public ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace) =>
            inner.ComputeLossInputs(inputs, rows, workspace);

        public float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
            Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            float loss = inner.ComputeLossAndGradient(inputs, targets, rows, scale, gradient, workspace, dropout);
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            int call = Interlocked.Increment(ref _calls);
            _threads[call % _threads.Length] = Environment.CurrentManagedThreadId;
            if (call > 8 * WarmUp) Interlocked.Add(ref AllocatedAfterWarmUp, bytes); // at most 8 shards a step
            return loss;
        }
    }

    /// <summary>Bytes this thread allocated up to each OnBatchEnd; allocates nothing itself.</summary>
    private sealed class AllocationProbe(int capacity) : Callback
    {
        public readonly long[] Bytes = new long[capacity];
        public readonly int[] Batches = new int[capacity];
        public int Count;

        public override void OnBatchEnd(TrainingContext context, in BatchResult batch)
        {
            if (Count == Bytes.Length) return;
            Batches[Count] = batch.Batch;
            Bytes[Count++] = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    private sealed class IgnoreProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
        }
    }

    [Theory]
    [InlineData(nameof(PassFail), 4)]
    [InlineData(nameof(KernelDropout), 8)]
    public void Fit_allocates_nothing_from_one_batch_to_the_next(string network, int batch)
    {
        // One thread, so every step runs here; the callbacks include the history, early stopping and a
        // progress report, each called after every batch.
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, 50 * batch, seed: 1);
        var probe = new AllocationProbe(8 * 50);
        TrainingLoop.Fit(s.Network, x, y, new TrainOptions
        {
            Epochs = 8, BatchSize = batch, MaxDegreeOfParallelism = 1, Optimizer = new Adam(1e-4f), Callbacks = [probe],
            EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, Patience = 100 }, Progress = new IgnoreProgress(),
        });
        Assert.Equal(8 * 50, probe.Count);
        // Epochs allocate (the result, the history, validation): compare batches within an epoch, after a warm-up.
        for (int i = 3 * 50; i < probe.Count; i++)
            if (probe.Batches[i] > 1)
                Assert.True(probe.Bytes[i] == probe.Bytes[i - 1], $"{probe.Bytes[i] - probe.Bytes[i - 1]} bytes allocated before batch {probe.Batches[i]}");
    }

    [Theory]
    [InlineData(nameof(PassFail))]
    [InlineData(nameof(KernelDropout))]
    [InlineData(nameof(WideClassifier))]
    [InlineData(nameof(DeepMixed))]
    public void Predict_into_a_span_allocates_nothing(string network)
    {
        var s = Subject.Create(network);
        var (x, _) = TestData.For(s.Spec, 1, seed: 1);
        var result = new float[s.Spec.Outputs];
        Assert.Equal(0, AllocatedOnThisThread(() => s.Predict(x, result)));
    }

    [Theory]
    [InlineData(nameof(PassFail), 7)]
    [InlineData(nameof(KernelDropout), 33)]
    public void LossAndGradient_allocates_nothing_once_its_workspace_exists(string network, int rows)
    {
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, rows, seed: 1);
        var gradient = new float[s.Spec.ParameterCount];
        Assert.Equal(0, AllocatedOnThisThread(() => s.LossAndGradient(x, y, gradient)));
    }
}
