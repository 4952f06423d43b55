using System.Runtime.InteropServices;

namespace NetDsl.Tests.Distributed;

/// <summary>
/// Fit over several processes, run as threads of this one (<see cref="InProcessWorld"/>): the same bits as one
/// process at any process count, rank 0's decisions reaching every rank, and every rank stopping when one fails.
/// </summary>
public sealed class DistributedTrainingTests
{
    private const int Rows = 300;

    // 240 training rows (60 held out): a batch of 256 takes them all, 7 shards of 35, the last of 30. Batches of 100
    // are 3 shards, the last shorter, then a last batch of 40 rows, one shard. Each network with another optimizer and
    // what rank 0 decides alone: validation, early stopping, a learning rate reduced on a plateau, clipping. One process
    // takes the weight gradients of DropoutOnKernels and KernelClassifier over all its shards at once, split by units;
    // DeepMixed and KernelDropout, which have unrolled layers, keep a gradient per shard.
    public static TheoryData<string, int> Cases() => new()
    {
        { nameof(DropoutOnKernels), 256 }, { nameof(DropoutOnKernels), 100 },
        { nameof(KernelDropout), 100 }, { nameof(KernelClassifier), 256 }, { nameof(DeepMixed), 100 },
    };

    private static INetworkModel Create(string network, int seed = 5) => network switch
    {
        nameof(DropoutOnKernels) => new DropoutOnKernels(seed),
        nameof(KernelDropout) => new KernelDropout(seed),
        nameof(KernelClassifier) => new KernelClassifier(seed),
        nameof(DeepMixed) => new DeepMixed(seed),
        _ => throw new ArgumentException(network),
    };

    private static TrainOptions Options(string network, int batch) => new()
    {
        Epochs = 4, BatchSize = batch, Seed = 11, ValidationSplit = 0.2f,
        Optimizer = network switch
        {
            nameof(KernelDropout) or nameof(DropoutOnKernels) => new RmsProp(0.005f),
            nameof(KernelClassifier) => new Adam(0.01f) { GlobalClipNorm = 0.5f },
            _ => new Sgd(0.1f) { Momentum = 0.9f, ClipNorm = 1f },
        },
        EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = 1, RestoreBestWeights = true },
    };

    private static (float[] X, float[] Y) Data(string network) => TestData.For(NetSpec.Of(Create(network).GetType()), Rows, seed: 77);

    private sealed record Outcome(float[] Parameters, TrainingHistory History);

    private static Outcome Train(string network, int batch, ICommunicator? world, Func<TrainOptions, TrainOptions>? change = null)
    {
        var net = Create(network);
        var (x, y) = Data(network);
        var options = Options(network, batch) with { Distributed = world, MaxDegreeOfParallelism = world is null ? 2 : 1 };
        var history = TrainingLoop.Fit(net, x, y, change is null ? options : change(options));
        return new Outcome(net.Parameters.ToArray(), history);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_process_count_from_1_to_8_gives_the_bits_of_one_process(string network, int batch)
    {
        TrainOptions WithPlateau(TrainOptions o) => o with { Callbacks = [new ReduceLROnPlateau { Patience = 1, Factor = 0.5f }] };
        var alone = Train(network, batch, world: null, WithPlateau);
        for (int size = 1; size <= 8; size++)
        {
            var ranks = InProcessWorld.Run(size, world => Train(network, batch, world, WithPlateau));
            for (int rank = 0; rank < size; rank++)
            {
                var (outcome, error) = ranks[rank];
                Assert.Null(error);
                AssertBitIdentical(alone.Parameters, outcome!.Parameters, $"{network}, batch {batch}, {size} processes, rank {rank}");
                Assert.Equal(alone.History.Loss, outcome.History.Loss);
                Assert.Equal(alone.History.ValidationLoss, outcome.History.ValidationLoss);
                Assert.Equal(alone.History.StoppedEpoch, outcome.History.StoppedEpoch);
                Assert.Equal(alone.History.BestEpoch, outcome.History.BestEpoch);
            }
        }
    }

    [Fact]
    public void The_bits_do_not_depend_on_the_threads_of_each_process()
    {
        var alone = Train(nameof(KernelDropout), 256, world: null);
        var ranks = InProcessWorld.Run(3, world => Train(nameof(KernelDropout), 256, world, o => o with { MaxDegreeOfParallelism = world.Rank + 1 }));
        foreach (var (outcome, error) in ranks)
        {
            Assert.Null(error);
            AssertBitIdentical(alone.Parameters, outcome!.Parameters, "3 processes on 1, 2 and 3 threads");
        }
    }

    [Fact]
    public void The_all_reduce_sum_keeps_the_processes_together_and_close_to_one_process()
    {
        var alone = Train(nameof(KernelClassifier), 256, world: null);
        var ranks = InProcessWorld.Run(3, world => Train(nameof(KernelClassifier), 256, world), sum: GradientSum.AllReduce);
        foreach (var (outcome, error) in ranks)
        {
            Assert.Null(error);
            AssertBitIdentical(ranks[0].Result!.Parameters, outcome!.Parameters, "all-reduce, every rank");
            for (int i = 0; i < alone.Parameters.Length; i++)
                Assert.True(Math.Abs(alone.Parameters[i] - outcome.Parameters[i]) <= 1e-3f * (1 + Math.Abs(alone.Parameters[i])),
                    $"parameter {i}: {outcome.Parameters[i]} with all-reduce, {alone.Parameters[i]} alone");
        }
    }

    [Fact]
    public void Only_rank_0_reports_progress_and_runs_the_callbacks_and_a_stop_it_decides_reaches_every_rank()
    {
        var reports = new List<TrainingProgress>[4];
        var batchesSeen = new int[4];
        var ranks = InProcessWorld.Run(4, world =>
        {
            var progress = reports[world.Rank] = [];
            var stopper = new StopAt(epoch: 2, batch: 1, seen: () => Interlocked.Increment(ref batchesSeen[world.Rank]));
            return Train(nameof(KernelDropout), 64, world, o => o with { Progress = new Recorder(progress), Callbacks = [stopper], EarlyStopping = null });
        });
        Assert.All(ranks, r => Assert.Null(r.Error));
        Assert.NotEmpty(reports[0]);
        Assert.All(reports.Skip(1), r => Assert.Empty(r));
        Assert.Equal(new[] { 4 + 1, 0, 0, 0 }, batchesSeen); // 240 training rows: 4 batches in epoch 1, then one
        Assert.All(ranks, r => Assert.Equal(2, r.Result!.History.StoppedEpoch));
        var alone = Train(nameof(KernelDropout), 64, null, o => o with { Callbacks = [new StopAt(2, 1, () => 0)], EarlyStopping = null });
        Assert.All(ranks, r => AssertBitIdentical(alone.Parameters, r.Result!.Parameters, "stopped by rank 0"));
    }

    [Fact]
    public void A_divergence_is_seen_by_every_rank_at_the_same_step_and_stops_none_of_the_others()
    {
        var world = new InProcessWorld(3, TimeSpan.FromSeconds(30));
        var ranks = world.Run(comm => Train(nameof(DeepMixed), 91, comm, o => o with { Optimizer = new Sgd(1e30f) }));
        var errors = ranks.Select(r => Assert.IsType<TrainingDivergedException>(r.Error)).ToArray();
        Assert.All(errors, e => Assert.Equal((errors[0].Epoch, errors[0].Batch, errors[0].Message), (e.Epoch, e.Batch, e.Message)));
        Assert.Null(world.FailedRank);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("initial parameters")]
    [InlineData("options")]
    public void Processes_given_different_starts_all_refuse_to_train(string what)
    {
        var ranks = InProcessWorld.Run(3, world =>
        {
            bool odd = world.Rank == 2;
            var net = Create(nameof(KernelClassifier), seed: what == "initial parameters" && odd ? 6 : 5);
            var (x, y) = Data(nameof(KernelClassifier));
            if (what == "data" && odd) x[100] += 1e-3f;
            var options = Options(nameof(KernelClassifier), what == "options" && odd ? 128 : 256) with { Distributed = world };
            return TrainingLoop.Fit(net, x, y, options);
        });
        foreach (var (_, error) in ranks)
        {
            var refused = Assert.IsType<DistributedTrainingException>(error);
            Assert.StartsWith($"The processes' {what} differ: rank 2's hash is ", refused.Message);
        }
    }

    [Fact]
    public void Parameters_that_drift_apart_stop_every_rank_after_the_epoch()
    {
        // Rank 1 receives one gradient value changed, once: it updates differently from the others from then on.
        var world = new InProcessWorld(3, TimeSpan.FromSeconds(30));
        var ranks = world.Run(comm => Train(nameof(KernelClassifier), 256, comm.Rank == 1 ? new FlipOneBit(comm, broadcast: 1) : comm));
        foreach (var (_, error) in ranks)
            Assert.StartsWith("The processes' parameters after epoch 1 differ: rank 1's hash is ", Assert.IsType<DistributedTrainingException>(error).Message);
        Assert.Null(world.FailedRank);
    }

    [Fact]
    public void A_rank_whose_fit_throws_stops_every_rank_with_its_error()
    {
        var world = new InProcessWorld(4, TimeSpan.FromSeconds(30));
        var ranks = world.Run(comm => Train(nameof(KernelDropout), 64, comm, o => o with { Callbacks = [new ThrowAt(epoch: 2)] }));
        Assert.Equal(0, world.FailedRank); // only rank 0 runs the callbacks
        Assert.Equal("checkpoint disk full", Assert.IsType<IOException>(ranks[0].Error).Message);
        foreach (var (_, error) in ranks.Skip(1))
            Assert.Equal("Rank 0 failed: checkpoint disk full", Assert.IsType<DistributedTrainingException>(error).Message);
    }

    [Fact]
    public void A_rank_that_dies_makes_the_others_time_out_and_stop()
    {
        // Rank 2 stops answering after its 12th message, as a killed process would, and can tell no one.
        var world = new InProcessWorld(3, TimeSpan.FromSeconds(1));
        var ranks = world.Run(comm => Train(nameof(KernelDropout), 64, comm.Rank == 2 ? new DiesAfter(comm, calls: 12) : comm));
        Assert.IsType<ProcessDiedException>(ranks[2].Error);
        Assert.NotNull(world.FailedRank);
        Assert.NotEqual(2, world.FailedRank);
        foreach (var (_, error) in ranks.Take(2))
            Assert.Matches(@"^Rank \d waited 1 s for rank \d, which stopped answering\.$|^Rank \d failed: Rank \d waited 1 s", Assert.IsType<DistributedTrainingException>(error).Message);
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: parameter {i} differs: {expected[i]:R} vs {actual[i]:R}.");
    }

    private sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    private sealed class StopAt(int epoch, int batch, Func<int> seen) : Callback
    {
        public override void OnBatchEnd(TrainingContext context, in BatchResult result)
        {
            seen();
            if (result.Epoch == epoch && result.Batch == batch) context.StopTraining = true;
        }
    }

    private sealed class ThrowAt(int epoch) : Callback
    {
        public override void OnEpochBegin(TrainingContext context, int e)
        {
            if (e == epoch) throw new IOException("checkpoint disk full");
        }
    }

    private sealed class ProcessDiedException : Exception;

    // A communicator that passes every call on, but for its own behaviour at one call.
    private abstract class Wrapper(ICommunicator inner) : ICommunicator
    {
        public int Rank => inner.Rank;
        public int Size => inner.Size;
        public GradientSum GradientSum => inner.GradientSum;
        public virtual void Send(ReadOnlySpan<byte> data, int destination) => inner.Send(data, destination);
        public virtual void Receive(Span<byte> data, int source) => inner.Receive(data, source);
        public virtual void Broadcast(Span<byte> data, int root) => inner.Broadcast(data, root);
        public void AllReduceSum(Span<float> values) => inner.AllReduceSum(values);
        public virtual void Fail(Exception error) => inner.Fail(error);
    }

    private sealed class FlipOneBit(ICommunicator inner, int broadcast) : Wrapper(inner)
    {
        private int _broadcasts;

        public override void Broadcast(Span<byte> data, int root)
        {
            base.Broadcast(data, root);
            if (data.Length > 1000 && ++_broadcasts == broadcast) MemoryMarshal.Cast<byte, int>(data)[7] ^= 1 << 20;
        }
    }

    private sealed class DiesAfter(ICommunicator inner, int calls) : Wrapper(inner)
    {
        private int _calls;

        private void Tick()
        {
            if (++_calls > calls) throw new ProcessDiedException();
        }

        public override void Send(ReadOnlySpan<byte> data, int destination) { Tick(); base.Send(data, destination); }
        public override void Receive(Span<byte> data, int source) { Tick(); base.Receive(data, source); }
        public override void Broadcast(Span<byte> data, int root) { Tick(); base.Broadcast(data, root); }
        public override void Fail(Exception error) { } // a dead process tells no one
    }
}
