namespace NetDsl.Tests.Training;

/// <summary>A custom loop's Trainer.Step checks its batch as Fit does, and leaves the weights alone when it refuses one.</summary>
public partial class TrainerStepTests
{
    [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
    public partial class Classifier
    {
        [Dense(3, Activation.Tanh)] public partial Layer Hidden { get; }
        [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
    }

    /// <summary>Linear regression on 64 features: 64 weights and a bias, all in one chunk of the trainer.</summary>
    [Network(Inputs = 64)]
    public partial class Linear64
    {
        [Dense(1)] public partial Layer Output { get; }
    }

    [Theory]
    [InlineData(float.NaN, 1f, "inputs", "NaN")]
    [InlineData(1f, 1.5f, "targets", "1.5")]
    [InlineData(1f, float.PositiveInfinity, "targets", "row 0, column 0")]
    public void Step_refuses_bad_values_and_keeps_the_weights(float input, float target, string name, string shown)
    {
        var net = new Classifier(seed: 1);
        var before = net.Parameters.ToArray();
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 4);
        var error = Assert.Throws<ArgumentException>(() => trainer.Step([0.5f, input], [target]));
        Assert.Equal(name, error.ParamName);
        Assert.Contains(shown, error.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(0, trainer.OptimizerState.Iterations);
    }

    [Fact]
    public void Step_refuses_a_batch_larger_than_it_was_sized_for()
    {
        var net = new Classifier(seed: 1);
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 1);
        var error = Assert.Throws<ArgumentException>(() => trainer.Step([0f, 1f, 1f, 0f], [1f, 0f]));
        Assert.Contains("at most 1 rows; got 2", error.Message);
    }

    [Theory]
    [InlineData(1)]  // one shard: the step calls its shard and chunk directly, without the pool
    [InlineData(64)] // two shards: through the pool
    public void A_disposed_trainer_refuses_a_step_and_keeps_the_weights(int rows)
    {
        var net = new Classifier(seed: 1);
        var before = net.Parameters.ToArray();
        var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: rows);
        trainer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => trainer.Step(new float[rows * 2], new float[rows]));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(0, trainer.OptimizerState.Iterations);
    }

    [Fact]
    public void An_update_that_overflows_a_weight_is_reported_at_once_not_a_step_later()
    {
        // Regression towards 1000: the loss (≈ 10⁶) and gradient (|g| up to ≈ 2000) are finite, but θ − 10³⁷·g overflows float.
        var net = new OverfittingNet(seed: 1);
        using var trainer = new Trainer(net, new Sgd(1e37f), maxBatchSize: 1);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Step([0.5f], [1000f]));
        Assert.Equal(StepFailure.NonFiniteUpdate, error.Failure);
        Assert.StartsWith("The update would have made some parameters or optimizer state non-finite", error.Message);

        var fitted = new OverfittingNet(seed: 1);
        var fit = Assert.Throws<TrainingDivergedException>(() => fitted.Fit([0.5f, -0.5f], [1000f, -1000f],
            new TrainOptions { BatchSize = 1, Optimizer = new Sgd(1e37f), Shuffle = false }));
        Assert.Equal((1, 1), (fit.Epoch, fit.Batch));
        Assert.Contains("epoch 1, batch 1 of 2", fit.Message);
        Assert.Equal(Bits(new OverfittingNet(seed: 1).Parameters), Bits(fitted.Parameters)); // the step was undone
    }

    [Fact]
    public void An_update_that_overflows_is_undone_weights_velocity_and_iteration_count()
    {
        // SGD with momentum at 10³⁷ towards 1000: the velocity −10³⁷·g, and so the weights, overflow.
        var net = new OverfittingNet(seed: 1);
        var before = Bits(net.Parameters);
        using var trainer = new Trainer(net, new Sgd(1e37f) { Momentum = 0.5f }, maxBatchSize: 1);
        var result = trainer.TryStep([0.5f], [1000f]);
        Assert.Equal(StepFailure.NonFiniteUpdate, result.Failure);
        Assert.Equal(before, Bits(net.Parameters));
        Assert.Equal(0, trainer.OptimizerState.Iterations);
        Assert.All(trainer.OptimizerState.Buffers.Single(), v => Assert.Equal(0f, v)); // the velocity
    }

    [Fact]
    public void An_optimizer_state_that_overflows_is_undone_too_and_training_goes_on_as_if_that_step_never_was()
    {
        // Adam on zeroed weights. One good step, then inputs of 10¹⁹: the loss (4·10³⁵) and the gradient
        // (≈ 1.3·10³⁷) are finite but g² is not, so v would become ∞ while the weights barely move (m/∞ = 0);
        // the step after would then make every weight NaN.
        var a = new Linear64(seed: 1);
        var b = new Linear64(seed: 1);
        a.Parameters.Clear();
        b.Parameters.Clear();
        using var trainerA = new Trainer(a, new Adam(1e-3f), maxBatchSize: 1);
        using var trainerB = new Trainer(b, new Adam(1e-3f), maxBatchSize: 1);
        float[] ones = Enumerable.Repeat(1f, 64).ToArray(), huge = Enumerable.Repeat(1e19f, 64).ToArray();
        trainerA.Step(ones, [2f]);
        trainerB.Step(ones, [2f]);
        var moments = trainerA.OptimizerState.Buffers.Select(buffer => Bits(buffer)).ToArray();

        var bad = trainerA.TryStep(huge, [0f]);
        Assert.Equal(StepFailure.NonFiniteUpdate, bad.Failure);
        Assert.True(float.IsFinite(bad.Loss));
        Assert.Equal(1, trainerA.OptimizerState.Iterations);
        Assert.Equal(moments, trainerA.OptimizerState.Buffers.Select(buffer => Bits(buffer)).ToArray());
        Assert.Equal(Bits(b.Parameters), Bits(a.Parameters));

        trainerA.Step(ones, [2f]);
        trainerB.Step(ones, [2f]);
        Assert.Equal(Bits(b.Parameters), Bits(a.Parameters));
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }

    [Fact]
    public void Huge_but_finite_gradients_are_not_mistaken_for_a_divergence()
    {
        // Zero weights, inputs 10¹⁹ and a target of −5·10¹⁷: ŷ − y = 5·10¹⁷, so the loss is 2.5·10³⁵ and each
        // weight's gradient 2·(ŷ − y)·x = 10³⁷, all finite; their sum, 6.4·10³⁸, is not. A learning rate of
        // 10⁻³⁸ then moves each weight by −0.1.
        var net = new Linear64(seed: 1);
        net.Parameters.Clear();
        var x = Enumerable.Repeat(1e19f, Linear64.InputSize).ToArray();
        using var trainer = new Trainer(net, new Sgd(1e-38f), maxBatchSize: 1);
        float loss = trainer.Step(x, [-5e17f]);
        Assert.Equal(2.5e35f, loss, 2.5e35f * 1e-6f);
        Assert.All(trainer.LastGradient[..64].ToArray(), g => Assert.Equal(1e37f, g, 1e37f * 1e-6f));
        Assert.All(net.Output.Weights.AsSpan().ToArray(), w => Assert.Equal(-0.1f, w, 1e-6f));
    }

    [Fact]
    public void Huge_but_finite_weights_are_not_mistaken_for_an_update_that_overflowed()
    {
        // Weights of 3·10³⁸ (their sum overflows) on inputs of 0: the loss and gradient are small, the
        // weights keep their values and only the bias moves: b ← 0 − 0.5·2·(0 − 1) = 1.
        var net = new Linear64(seed: 1);
        net.Output.Weights.AsSpan().Fill(3e38f);
        net.Output.Bias.Clear();
        using var trainer = new Trainer(net, new Sgd(0.5f), maxBatchSize: 1);
        Assert.Equal(1f, trainer.Step(new float[Linear64.InputSize], [1f]));
        Assert.All(net.Output.Weights.AsSpan().ToArray(), w => Assert.Equal(3e38f, w));
        Assert.Equal(1f, net.Output.Bias[0]);
    }

    [Fact]
    public void TryStep_returns_the_loss_and_accuracy_of_the_batch_before_the_update()
    {
        var net = new Classifier(seed: 1); // no dropout: the training pass is the inference pass
        float[] x = [0.5f, 1f, -1f, 0.25f, 2f, -0.5f, 0f, 3f], y = [1f, 0f, 1f, 1f];
        var before = net.Evaluate(x, y);
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 4);
        var result = trainer.TryStep(x, y);
        Assert.True(result.Succeeded);
        Assert.Equal(StepFailure.None, result.Failure);
        Assert.Null(result.Message);
        Assert.Equal(before.Loss, result.Loss, 1e-6f);
        Assert.Equal(4, result.Counted);
        Assert.Equal(before.Accuracy, result.Accuracy);
        Assert.Equal((result.Correct, result.Counted), trainer.LastAccuracy);
        Assert.Equal(1, trainer.OptimizerState.Iterations);
    }

    [Fact]
    public void TryStep_says_whether_the_loss_or_the_gradient_was_not_finite_and_changes_nothing()
    {
        var net = new Linear64(seed: 1);
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 1);

        // Weights of 3·10³⁸ on inputs of 1: the output, and so the loss, overflow.
        net.Output.Weights.AsSpan().Fill(3e38f);
        var before = net.Parameters.ToArray();
        var result = trainer.TryStep(Enumerable.Repeat(1f, 64).ToArray(), [0f]);
        Assert.Equal(StepFailure.NonFiniteLoss, result.Failure);
        Assert.False(result.Succeeded);
        Assert.StartsWith("The loss is not finite; the step was not applied", result.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(0, trainer.OptimizerState.Iterations);

        // Zero weights on inputs of 3·10³⁸: the loss is 1, but 2·(ŷ − y)·x overflows.
        net.Parameters.Clear();
        result = trainer.TryStep(Enumerable.Repeat(3e38f, 64).ToArray(), [1f]);
        Assert.Equal(StepFailure.NonFiniteGradient, result.Failure);
        Assert.Equal(1f, result.Loss);
        Assert.StartsWith("The gradient is not finite (the loss is)", result.Message);
        Assert.All(net.Parameters.ToArray(), p => Assert.Equal(0f, p));
        Assert.Equal(0, trainer.OptimizerState.Iterations);

        var thrown = Assert.Throws<TrainingDivergedException>(() => trainer.Step(Enumerable.Repeat(3e38f, 64).ToArray(), [1f]));
        Assert.Equal(StepFailure.NonFiniteGradient, thrown.Failure);
        Assert.Equal(result.Message, thrown.Message);
    }
}
