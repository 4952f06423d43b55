namespace NetDsl.Tests.Training;

/// <summary>
/// A network remembers its training between Fit calls: Fit, then Fit again, continues the one training
/// run — the optimizer's moments and step count, the epoch numbers and with them the seeded shuffles and
/// dropout masks — so two Fits of 5 epochs are one Fit of 10, to the bit.
/// </summary>
public class ContinuationTests
{
    private sealed class Recorder(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Ends { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (value.EpochEnded) Ends.Add(value);
            onReport?.Invoke(value);
        }
    }

    public static TheoryData<string> Runs() => new() { "KernelDropout, Adam", "DeepMixed, SGD momentum", "SmallDropout, RmsProp momentum" };

    // A fresh network and a factory of equal (not the same) optimizer records: equality is by value.
    private static (INetworkModel Network, Func<Optimizer> Optimizer) Create(string run) => run switch
    {
        "KernelDropout, Adam" => (new KernelDropout(seed: 5), () => new Adam(0.01f)),
        "DeepMixed, SGD momentum" => (new DeepMixed(seed: 5), () => new Sgd(0.1f) { Momentum = 0.9f }),
        "SmallDropout, RmsProp momentum" => (new SmallDropout(seed: 5), () => new RmsProp(0.005f, Momentum: 0.5f)),
        _ => throw new ArgumentException(run),
    };

    private static (float[] X, float[] Y) Data(INetworkModel network) => TestData.For(NetSpec.Of(network.GetType()), 150, seed: 77);

    private static TrainOptions Options(Optimizer optimizer, int epochs, IProgress<TrainingProgress>? progress = null) => new()
    {
        Epochs = epochs, BatchSize = 32, Optimizer = optimizer, Seed = 11, ValidationSplit = 0.2f, Progress = progress,
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Two_Fits_of_5_epochs_are_one_Fit_of_10_to_the_bit(string run)
    {
        var (once, optimizer) = Create(run);
        var (x, y) = Data(once);
        var whole = TrainingLoop.Fit(once, x, y, Options(optimizer(), 10));

        var (twice, _) = Create(run);
        var progress = new Recorder();
        var first = TrainingLoop.Fit(twice, x, y, Options(optimizer(), 5));
        var second = TrainingLoop.Fit(twice, x, y, Options(optimizer(), 5, progress));

        Assert.Equal(Bits(once.Parameters), Bits(twice.Parameters));
        Assert.Equal([1, 2, 3, 4, 5], first.Epochs.Select(e => e.Epoch));
        Assert.Equal([6, 7, 8, 9, 10], second.Epochs.Select(e => e.Epoch));
        Assert.Equal(whole.Loss, [.. first.Loss, .. second.Loss]);
        Assert.Equal(whole.ValidationLoss, [.. first.ValidationLoss, .. second.ValidationLoss]);
        // Progress reads as Keras's initial_epoch does: "Epoch 6/10" … "Epoch 10/10".
        Assert.Equal([(6, 10), (7, 10), (8, 10), (9, 10), (10, 10)], progress.Ends.Select(p => (p.Epoch, p.Epochs)));
    }

    [Fact]
    public void Three_Fits_of_different_lengths_continue_the_same_run()
    {
        var (once, optimizer) = Create("KernelDropout, Adam");
        var (x, y) = Data(once);
        TrainingLoop.Fit(once, x, y, Options(optimizer(), 7));
        var (pieces, _) = Create("KernelDropout, Adam");
        foreach (int epochs in new[] { 3, 0, 1, 3 })
            TrainingLoop.Fit(pieces, x, y, Options(optimizer(), epochs));
        Assert.Equal(Bits(once.Parameters), Bits(pieces.Parameters));
    }

    [Fact]
    public void Another_optimizer_starts_a_fresh_optimizer_state_and_the_epochs_number_on()
    {
        // Net A: 3 epochs of Adam, then 2 of RmsProp.
        var a = new KernelDropout(seed: 5);
        var (x, y) = Data(a);
        TrainingLoop.Fit(a, x, y, Options(new Adam(0.01f), 3));
        var afterAdam = a.Parameters.ToArray();
        var history = TrainingLoop.Fit(a, x, y, Options(new RmsProp(0.005f), 2));
        Assert.Equal([4, 5], history.Epochs.Select(e => e.Epoch));

        // Net B reaches the same point with no optimizer history worth keeping: the same weights, and 3
        // epochs of SGD at learning rate 0, which leaves the weights alone but numbers the epochs (and so
        // the shuffles and dropout masks). RmsProp from there must start from zero moments, as on A.
        var b = new KernelDropout(seed: 1);
        afterAdam.CopyTo(b.Parameters);
        TrainingLoop.Fit(b, x, y, Options(new Sgd(0f), 3));
        Assert.Equal(Bits(afterAdam), Bits(b.Parameters));
        TrainingLoop.Fit(b, x, y, Options(new RmsProp(0.005f), 2));

        Assert.Equal(Bits(a.Parameters), Bits(b.Parameters));
    }

    [Fact]
    public void ResetTraining_starts_over_from_the_current_weights()
    {
        var a = new KernelDropout(seed: 5);
        var (x, y) = Data(a);
        TrainingLoop.Fit(a, x, y, Options(new Adam(0.01f), 3));
        var trained = a.Parameters.ToArray();
        a.ResetTraining();
        var history = TrainingLoop.Fit(a, x, y, Options(new Adam(0.01f), 2));
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));

        // The same as a network that never trained, given those weights.
        var b = new KernelDropout(seed: 1);
        trained.CopyTo(b.Parameters);
        TrainingLoop.Fit(b, x, y, Options(new Adam(0.01f), 2));
        Assert.Equal(Bits(b.Parameters), Bits(a.Parameters));
    }

    [Fact]
    public void Epochs_number_on_from_where_early_stopping_stopped()
    {
        var net = new OverfittingNet(seed: 3);
        var x = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        var stopping = new EarlyStopping { Monitor = Metric.Loss, Patience = 0, MinDelta = 10f }; // nothing improves by 10
        var first = net.Fit(x, x, new TrainOptions { Epochs = 50, EarlyStopping = stopping });
        Assert.Equal(2, first.StoppedEpoch);
        var second = net.Fit(x, x, new TrainOptions { Epochs = 2 });
        Assert.Equal([3, 4], second.Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public void Epochs_up_to_int_MaxValue_still_run_on_a_network_that_trained_before()
    {
        // "Until early stopping says stop": the last epoch's number must not overflow.
        var net = new OverfittingNet(seed: 3);
        var x = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        net.Fit(x, x);
        var history = net.Fit(x, x, new TrainOptions
        {
            Epochs = int.MaxValue, EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, Patience = 0, MinDelta = 10f },
        });
        Assert.Equal([2, 3], history.Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public void ResetTraining_is_refused_while_Fit_runs()
    {
        var net = new ThreeClasses(seed: 1);
        var (x, y) = TrainingTests.Blobs(30, seed: 1);
        Exception? reset = null;
        net.Fit(x, y, new TrainOptions { Epochs = 2, Progress = new Recorder(p => reset ??= Record.Exception(net.ResetTraining)) });
        var e = Assert.IsType<InvalidOperationException>(reset);
        Assert.StartsWith("Fit is running on this network; ", e.Message);
        Assert.Equal([3], net.Fit(x, y).Epochs.Select(r => r.Epoch)); // nothing was reset
    }

    [Fact]
    public void After_a_Fit_that_threw_the_epochs_it_completed_count()
    {
        var net = new ThreeClasses(seed: 1);
        var (x, y) = TrainingTests.Blobs(30, seed: 1); // one batch an epoch
        var boom = new Recorder(_ => throw new OperationCanceledException("stop"));
        Assert.Throws<OperationCanceledException>(() => net.Fit(x, y, new TrainOptions { Epochs = 3, Progress = boom }));
        // Epoch 1 ran before its end-of-epoch report threw; the next Fit goes on from it.
        Assert.Equal([2], net.Fit(x, y).Epochs.Select(r => r.Epoch));
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }
}
