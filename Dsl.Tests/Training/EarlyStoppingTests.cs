namespace NetDsl.Tests.Training;

/// <summary>A small regression net that overfits 24 noisy points.</summary>
[Network(Inputs = 1)]
public partial class OverfittingNet
{
    [Dense(48, Activation.Tanh)] public partial Layer Hidden1 { get; }
    [Dense(48, Activation.Tanh)] public partial Layer Hidden2 { get; }
    [Dense(1)] public partial Layer Output { get; }
}

public class EarlyStoppingTests
{
    private static (float[] X, float[] Y) Sine(int count, float noise, long seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[count];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = random.NextFloat() * 6f - 3f;
            y[i] = MathF.Sin(x[i]) + noise * (float)random.NextNormal();
        }
        return (x, y);
    }

    [Fact]
    public void Overfitting_net_stops_near_the_validation_minimum_and_keeps_the_best_weights()
    {
        var (x, y) = Sine(24, noise: 0.4f, seed: 1);
        var (vx, vy) = Sine(200, noise: 0f, seed: 2);
        var net = new OverfittingNet(seed: 3);
        const int maxEpochs = 3000;
        var history = net.Fit(x, y, new TrainOptions
        {
            Epochs = maxEpochs,
            BatchSize = 24,
            Optimizer = new Adam(0.01f),
            Validation = new ValidationData(vx, vy),
            EarlyStopping = new EarlyStopping { Patience = 50, RestoreBestWeights = true },
        });

        Assert.NotNull(history.StoppedEpoch);
        Assert.True(history.StoppedEpoch < maxEpochs, $"stopped at {history.StoppedEpoch}");
        var validation = history.ValidationLoss;
        int best = validation.Select((loss, i) => (loss, i)).MinBy(p => p.loss).i + 1;
        Assert.Equal(best, history.BestEpoch);
        Assert.Equal(best + 50, history.StoppedEpoch);
        Assert.True(history.RestoredBestWeights);
        // It overfitted: training loss kept falling after the best epoch while validation loss rose.
        Assert.True(history.Loss[^1] < history.Loss[best - 1]);
        Assert.True(validation[^1] > validation[best - 1]);
        // The network now holds the best epoch's weights: its validation loss is that epoch's.
        Assert.Equal(validation[best - 1], net.Evaluate(vx, vy).Loss, 5);
    }

    [Fact]
    public void Best_weights_are_restored_even_when_patience_never_runs_out()
    {
        var (x, y) = Sine(24, noise: 0.4f, seed: 1);
        var (vx, vy) = Sine(200, noise: 0f, seed: 2);
        var net = new OverfittingNet(seed: 3);
        var history = net.Fit(x, y, new TrainOptions
        {
            Epochs = 400, BatchSize = 24, Optimizer = new Adam(0.01f), Validation = new ValidationData(vx, vy),
            EarlyStopping = new EarlyStopping { Patience = 10_000, RestoreBestWeights = true },
        });
        Assert.Null(history.StoppedEpoch);
        Assert.True(history.RestoredBestWeights);
        int best = history.BestEpoch!.Value;
        Assert.Equal(history.ValidationLoss.Min(), history.ValidationLoss[best - 1]);
        Assert.Equal(history.ValidationLoss[best - 1], net.Evaluate(vx, vy).Loss, 5);
    }

    private static EpochResult Epoch(int epoch, float validationLoss) => new(epoch, 1f, null, validationLoss, null, TimeSpan.Zero);

    /// <summary>Feeds a sequence of validation losses to the tracker; returns the epoch it stops at, or null.</summary>
    private static (int? Stopped, int? Best) Run(EarlyStopping settings, params float[] losses)
    {
        var tracker = new EarlyStoppingTracker(settings, parameterCount: 1);
        float[] weights = [0f];
        for (int i = 0; i < losses.Length; i++)
        {
            weights[0] = i + 1;
            if (tracker.ShouldStop(Epoch(i + 1, losses[i]), weights)) return (i + 1, tracker.BestEpoch);
        }
        return (null, tracker.BestEpoch);
    }

    [Fact]
    public void Patience_zero_stops_at_the_first_epoch_that_does_not_improve() =>
        Assert.Equal((3, 2), Run(new EarlyStopping(), 1.0f, 0.9f, 0.95f, 0.5f));

    [Fact]
    public void Patience_counts_epochs_without_improvement() =>
        Assert.Equal((5, 2), Run(new EarlyStopping { Patience = 3 }, 1.0f, 0.9f, 0.95f, 0.92f, 0.91f, 0.1f));

    [Fact]
    public void An_improvement_smaller_than_min_delta_does_not_count() =>
        Assert.Equal((3, 1), Run(new EarlyStopping { Patience = 2, MinDelta = 0.1f }, 1.0f, 0.95f, 0.92f, 0.5f));

    [Fact]
    public void Epochs_before_start_from_epoch_are_ignored() =>
        // Keras counts epochs from 0: StartFromEpoch = 2 watches from the third epoch on.
        Assert.Equal((4, 3), Run(new EarlyStopping { StartFromEpoch = 2 }, 0.1f, 0.2f, 0.9f, 0.95f));

    [Fact]
    public void Higher_is_better_for_accuracy()
    {
        var tracker = new EarlyStoppingTracker(new EarlyStopping { Monitor = Metric.ValidationAccuracy }, 1);
        Assert.False(tracker.ShouldStop(new EpochResult(1, 1f, null, 1f, 0.5f, TimeSpan.Zero), [0f]));
        Assert.False(tracker.ShouldStop(new EpochResult(2, 1f, null, 1f, 0.6f, TimeSpan.Zero), [0f]));
        Assert.True(tracker.ShouldStop(new EpochResult(3, 1f, null, 1f, 0.55f, TimeSpan.Zero), [0f]));
        Assert.Equal(2, tracker.BestEpoch);
    }

    [Fact]
    public void Restoring_puts_back_the_best_epochs_weights()
    {
        var tracker = new EarlyStoppingTracker(new EarlyStopping { Patience = 5, RestoreBestWeights = true }, 1);
        float[] losses = [0.9f, 0.5f, 0.7f, 0.6f];
        for (int i = 0; i < losses.Length; i++) tracker.ShouldStop(Epoch(i + 1, losses[i]), [i + 1f]);
        float[] weights = [99f];
        Assert.True(tracker.RestoreBest(weights));
        Assert.Equal(2f, weights[0]);
    }

    [Fact]
    public void Monitoring_validation_without_validation_data_is_an_error()
    {
        var net = new OverfittingNet(seed: 1);
        var error = Assert.Throws<ArgumentException>(() => net.Fit(new float[] { 1f, 2f }, new float[] { 1f, 2f },
            new TrainOptions { EarlyStopping = new EarlyStopping() }));
        Assert.Contains("ValidationLoss", error.Message);
        Assert.Contains("ValidationSplit", error.Message);
    }

    [Theory]
    [InlineData(Metric.Accuracy)]
    [InlineData(Metric.ValidationAccuracy)]
    public void Monitoring_accuracy_of_a_regression_network_is_an_error_and_changes_nothing(Metric monitor)
    {
        var net = new OverfittingNet(seed: 1); // mean squared error: no accuracy to watch
        var before = net.Parameters.ToArray();
        float[] x = [1f, 2f, 3f, 4f];
        var error = Assert.Throws<ArgumentException>(() => net.Fit(x, x,
            new TrainOptions { ValidationSplit = 0.5f, EarlyStopping = new EarlyStopping { Monitor = monitor } }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains($"Early stopping monitors {monitor}", error.Message);
        Assert.Contains("mean squared error, which has no accuracy", error.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal([1], net.Fit(x, x).Epochs.Select(e => e.Epoch)); // the refused Fit left no trace
    }

    [Theory]
    [InlineData(-1, 0f, 0)]
    [InlineData(0, -0.1f, 0)]
    [InlineData(0, 0f, -1)]
    public void Invalid_settings_are_rejected(int patience, float minDelta, int startFromEpoch)
    {
        var net = new OverfittingNet(seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(new float[] { 1f, 2f }, new float[] { 1f, 2f },
            new TrainOptions { ValidationSplit = 0.5f, EarlyStopping = new EarlyStopping { Patience = patience, MinDelta = minDelta, StartFromEpoch = startFromEpoch } }));
    }
}
