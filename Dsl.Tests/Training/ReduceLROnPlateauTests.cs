namespace NetDsl.Tests.Training;

/// <summary>ReduceLROnPlateau against hand-worked runs of Keras 3's callback, and inside Fit.</summary>
public class ReduceLROnPlateauTests
{
    /// <summary>Feeds a sequence of monitored values to the callback; returns the learning rate after each epoch.</summary>
    private static float[] Run(ReduceLROnPlateau callback, float startRate, params float[] values)
    {
        var net = new ThreeClasses(seed: 1);
        var optimizer = new Sgd(startRate);
        var context = new TrainingContext(net, optimizer.CreateState(net.Parameters.Length), new TrainOptions { Optimizer = optimizer },
            new TrainingHistory(), firstEpoch: 1, lastEpoch: values.Length, batches: 1, trainingRows: 10, validationRows: 5);
        callback.OnTrainBegin(context);
        var rates = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bool accuracy = callback.Monitor is Metric.Accuracy or Metric.ValidationAccuracy;
            callback.OnEpochEnd(context, new EpochResult(i + 1, 1f, null, accuracy ? 1f : values[i], accuracy ? values[i] : null, TimeSpan.Zero));
            rates[i] = context.Optimizer.LearningRate;
        }
        return rates;
    }

    [Fact]
    public void Patience_cooldown_and_the_floor_as_Keras_counts_them()
    {
        // Factor ½, patience 2, cooldown 1, floor 0.2, no min_delta; validation losses flat, one improvement at epoch 6.
        // e1 first value: best. e2 wait 1. e3 wait 2: 1 → 0.5, cooldown 1. e4 cooldown ends (wait 0), then wait 1.
        // e5 wait 2: 0.5 → 0.25. e6 improves. e7 wait 1. e8 wait 2: max(0.125, 0.2) = 0.2. e9 wait 1. e10 wait 2,
        // but 0.2 is not above the floor: nothing.
        var callback = new ReduceLROnPlateau { Factor = 0.5f, Patience = 2, Cooldown = 1, MinLearningRate = 0.2f, MinDelta = 0f };
        Assert.Equal([1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.25f, 0.2f, 0.2f, 0.2f],
            Run(callback, 1f, 1f, 1f, 1f, 1f, 1f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f));
    }

    [Fact]
    public void An_improvement_smaller_than_min_delta_does_not_count_and_accuracy_must_rise()
    {
        var loss = new ReduceLROnPlateau { Patience = 1, MinDelta = 0.01f };
        Assert.Equal([1f, 0.1f], Run(loss, 1f, 0.5f, 0.495f));               // 0.005 better: not enough
        var accuracy = new ReduceLROnPlateau { Monitor = Metric.ValidationAccuracy, Patience = 1, MinDelta = 0f };
        Assert.Equal([1f, 1f, 0.1f], Run(accuracy, 1f, 0.5f, 0.6f, 0.55f));  // higher is better
    }

    [Fact]
    public void The_new_rate_is_the_factor_as_written_times_the_old_rounded_once()
    {
        // Keras: float32(float(lr) · 0.1), in double with the Python float 0.1; 0.1f is read as 0.1. For lr = 0.01f that
        // rounds to 0.0009999999f, where 0.01f · 0.1f in float would give 0.001f.
        float expected = (float)(0.01f * 0.1);
        Assert.Equal(expected, Run(new ReduceLROnPlateau { Patience = 0, MinDelta = 0f }, 0.01f, 1f, 1f)[1]);
        Assert.NotEqual(0.01f * 0.1f, expected);
    }

    [Fact]
    public void Each_Fit_watches_afresh_and_continues_at_the_lowered_rate()
    {
        // Learning rate 10⁻³⁰ leaves the weights as they are: the loss is the same every epoch, a plateau.
        var (x, y) = TrainingTests.Blobs(30, seed: 1);
        var net = new ThreeClasses(seed: 1);
        var reduce = new ReduceLROnPlateau { Monitor = Metric.Loss, Patience = 1, Factor = 0.5f };
        var rates = new RateRecorder();
        net.Fit(x, y, new TrainOptions { Epochs = 3, Optimizer = new Sgd(1e-30f), Callbacks = [reduce, rates] });
        Assert.Equal([1e-30f, 5e-31f, 2.5e-31f], rates.AtEpochEnd); // epoch 1 is the first best; 2 and 3 each lower it

        // An equal optimizer continues the state, and its lowered rate; the watching starts again (epoch 4 is a new best).
        net.Fit(x, y, new TrainOptions { Epochs = 2, Optimizer = new Sgd(1e-30f), Callbacks = [reduce, rates] });
        Assert.Equal([1e-30f, 5e-31f, 2.5e-31f, 2.5e-31f, 1.25e-31f], rates.AtEpochEnd);
        net.ResetTraining();
        net.Fit(x, y, new TrainOptions { Epochs = 1, Optimizer = new Sgd(1e-30f), Callbacks = [rates] });
        Assert.Equal(1e-30f, rates.AtEpochEnd[^1]);
    }

    private sealed class RateRecorder : Callback
    {
        public List<float> AtEpochEnd { get; } = [];
        public override void OnEpochEnd(TrainingContext context, EpochResult epoch) => AtEpochEnd.Add(context.Optimizer.LearningRate);
    }

    [Fact]
    public void Fit_refuses_it_with_a_schedule_or_a_metric_it_does_not_measure_before_anything_changes()
    {
        var (x, y) = TrainingTests.Blobs(30, seed: 1);
        var net = new ThreeClasses(seed: 1);
        var before = net.Parameters.ToArray();
        var scheduled = new Adam { LearningRateSchedule = new ExponentialDecay(0.01f, 10, 0.5f) };
        var e = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new TrainOptions
        {
            Optimizer = scheduled, Callbacks = [new ReduceLROnPlateau { Monitor = Metric.Loss }],
        }));
        Assert.Contains("ReduceLROnPlateau sets the optimizer's learning rate, but this optimizer takes its rate from ExponentialDecay", e.Message);
        var validation = Assert.Throws<ArgumentException>(() => net.Fit(x, y, new TrainOptions { Callbacks = [new ReduceLROnPlateau()] }));
        Assert.Contains("ReduceLROnPlateau monitors ValidationLoss, which needs validation data", validation.Message);
        var regression = Assert.Throws<ArgumentException>(() => new OverfittingNet(seed: 1).Fit([1f, 2f], [1f, 2f],
            new TrainOptions { Callbacks = [new ReduceLROnPlateau { Monitor = Metric.Accuracy }] }));
        Assert.Contains("mean squared error, which has no accuracy: monitor Loss instead", regression.Message);
        Assert.Equal("Factor", Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(x, y,
            new TrainOptions { Callbacks = [new ReduceLROnPlateau { Monitor = Metric.Loss, Factor = 1f }] })).ParamName);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal([1], net.Fit(x, y).Epochs.Select(r => r.Epoch));
    }
}
