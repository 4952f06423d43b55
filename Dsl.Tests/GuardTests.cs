using System.Text.RegularExpressions;
using Xunit;

namespace NetDsl.Tests;

/// <summary>Divergence is caught before it reaches the weights, and bad data is refused with a message saying what was expected and what came.</summary>
public sealed class GuardTests
{
    private const int Rows = 40, Batch = 8;

    private static (float[] X, float[] Y) RegressionData() => TestData.For(NetSpec.Of(typeof(ReluRegressor)), Rows, seed: 3);

    // A learning rate this large makes the weights of a ReLU regressor grow geometrically until the loss overflows.
    private static Sgd Exploding => new(1e5f);

    [Fact]
    public void Fit_stops_on_a_non_finite_loss_naming_epoch_and_batch_and_keeps_the_last_good_parameters()
    {
        var (x, y) = RegressionData();
        var net = new ReluRegressor(seed: 1);
        var options = new TrainOptions { Epochs = 50, BatchSize = Batch, Optimizer = Exploding, Shuffle = false };
        var e = Assert.Throws<TrainingDivergedException>(() => net.Fit(x, y, options));
        Assert.NotNull(e.Epoch);
        Assert.NotNull(e.Batch);
        Assert.Contains($"epoch {e.Epoch}", e.Message);
        Assert.Contains($"batch {e.Batch} of {Rows / Batch}", e.Message);
        int goodSteps = (e.Epoch!.Value - 1) * (Rows / Batch) + e.Batch!.Value - 1;
        Assert.True(goodSteps >= 1, "The test needs at least one good step before the divergence.");

        // Replay the same batches by hand: the network must hold exactly the parameters after the last good step.
        var replay = new ReluRegressor(seed: 1);
        using var trainer = new Trainer(replay, Exploding, Batch, maxDegreeOfParallelism: 1);
        for (int step = 0; step < goodSteps; step++)
        {
            int start = step % (Rows / Batch) * Batch;
            trainer.Step(x.AsSpan(start * 4, Batch * 4), y.AsSpan(start * 3, Batch * 3));
        }
        Assert.Equal(Bits(replay.Parameters), Bits(net.Parameters));
        // …and the next step of the replay diverges too.
        int next = goodSteps % (Rows / Batch) * Batch;
        Assert.Throws<TrainingDivergedException>(() => trainer.Step(x.AsSpan(next * 4, Batch * 4), y.AsSpan(next * 3, Batch * 3)));
    }

    [Fact]
    public void Trainer_Step_leaves_the_parameters_and_the_optimizer_untouched_when_the_loss_is_not_finite()
    {
        var (x, y) = RegressionData();
        var net = new ReluRegressor(seed: 1);
        using var trainer = new Trainer(net, Exploding with { Momentum = 0.5f }, Batch, maxDegreeOfParallelism: 1);
        int steps = 0;
        while (true)
        {
            int start = steps % (Rows / Batch) * Batch;
            int[] before = Bits(net.Parameters);
            long iterations = trainer.OptimizerState.Iterations;
            try
            {
                trainer.Step(x.AsSpan(start * 4, Batch * 4), y.AsSpan(start * 3, Batch * 3));
            }
            catch (TrainingDivergedException)
            {
                Assert.Equal(before, Bits(net.Parameters));
                Assert.Equal(iterations, trainer.OptimizerState.Iterations);
                Assert.True(steps >= 1, "The first step diverged: the test should take good steps first.");
                return;
            }
            Assert.True(++steps < 1000, "Training never diverged.");
        }
    }

    [Fact]
    public void Predict_refuses_inputs_and_outputs_of_the_wrong_length()
    {
        // Inputs must be whole rows of 2, none of them empty; outputs exactly 1 a row.
        var net = new PassFail(seed: 1);
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict(new float[3])), "inputs", expected: "2", actual: "3");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict(new float[1])), "inputs", expected: "2", actual: "1");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict([], [])), "inputs", expected: "2", actual: "empty");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict(new float[2], new float[2])), "outputs", expected: "1", actual: "2");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict(new float[6], new float[2])), "outputs", expected: "3", actual: "2");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Predict(new float[6], new float[4])), "outputs", expected: "3", actual: "4");
    }

    [Fact]
    public void LossAndGradient_refuses_mismatched_shapes()
    {
        var net = new SmallClassifier(seed: 1); // 4 inputs, 3 classes, 51 parameters
        var gradient = new float[SmallClassifier.ParameterCount];
        // 10 values are not whole rows of 4.
        AssertNames(Assert.Throws<ArgumentException>(() => net.LossAndGradient(new float[10], new float[6], gradient)), "inputs", expected: "4", actual: "10");
        // 2 rows need 6 targets.
        AssertNames(Assert.Throws<ArgumentException>(() => net.LossAndGradient(new float[8], OneHot(3, 0, 1, 2), gradient)), "targets", expected: "6", actual: "9");
        AssertNames(Assert.Throws<ArgumentException>(() => net.LossAndGradient(new float[8], OneHot(3, 0, 1), new float[50])), "gradient", expected: "51", actual: "50");
        AssertNames(Assert.Throws<ArgumentException>(() => net.LossAndGradient([], [], gradient)), "inputs", expected: "4", actual: "empty");
    }

    [Fact]
    public void Fit_and_Evaluate_refuse_empty_and_mismatched_data()
    {
        var net = new PassFail(seed: 1);
        AssertNames(Assert.Throws<ArgumentException>(() => net.Fit([], [])), "inputs", expected: "2", actual: "empty");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Evaluate([], [])), "inputs", expected: "2", actual: "empty");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Fit(new float[6], new float[2])), "targets", expected: "3", actual: "2");
        AssertNames(Assert.Throws<ArgumentException>(() => net.Evaluate(new float[7], new float[3])), "inputs", expected: "2", actual: "7");
    }

    [Fact]
    public void Non_finite_inputs_and_targets_are_refused_naming_row_and_column()
    {
        var net = new TanhRegressor(seed: 1); // 3 inputs, 2 outputs, MSE
        var x = new float[9];
        var y = new float[6];
        var gradient = new float[TanhRegressor.ParameterCount];
        x[4] = float.NaN; // row 1, column 1
        foreach (var e in new[]
        {
            Assert.Throws<ArgumentException>(() => net.Fit(x, y)),
            Assert.Throws<ArgumentException>(() => net.Evaluate(x, y)),
            Assert.Throws<ArgumentException>(() => net.LossAndGradient(x, y, gradient)),
        })
        {
            Assert.Equal("inputs", e.ParamName);
            Assert.Contains("finite", e.Message);
            Assert.Contains("row 1, column 1", e.Message);
            Assert.Contains("NaN", e.Message);
        }
        x[4] = 0f;
        y[5] = float.PositiveInfinity; // row 2, column 1
        var t = Assert.Throws<ArgumentException>(() => net.Fit(x, y));
        Assert.Equal("targets", t.ParamName);
        Assert.Contains("row 2, column 1", t.Message);
        Assert.Contains(float.PositiveInfinity.ToString(), t.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Predict_refuses_a_non_finite_input_as_Fit_does(float bad)
    {
        // PassFail (2 inputs, unrolled) and WideClassifier (70 inputs, kernels): both Predict overloads.
        var small = new PassFail(seed: 1);
        var wide = new WideClassifier(seed: 1);
        var wideInput = new float[WideClassifier.InputSize];
        wideInput[37] = bad;
        foreach (var (e, column) in new[]
        {
            (Assert.Throws<ArgumentException>(() => small.Predict([0.5f, bad])), 1),
            (Assert.Throws<ArgumentException>(() => small.Predict([bad, 0.5f], new float[1])), 0),
            (Assert.Throws<ArgumentException>(() => wide.Predict(wideInput)), 37),
            (Assert.Throws<ArgumentException>(() => wide.Predict(wideInput, new float[WideClassifier.OutputSize])), 37),
        })
        {
            Assert.Equal("inputs", e.ParamName);
            Assert.Contains($"Expected finite inputs, but row 0, column {column} is {bad}.", e.Message);
        }
        // In a batch, the row too.
        var batch = Assert.Throws<ArgumentException>(() => small.Predict([0.5f, 0.5f, 0.5f, bad], new float[2]));
        Assert.Contains($"Expected finite inputs, but row 1, column 1 is {bad}.", batch.Message);
        // The same words as Fit's refusal of the same value.
        var fit = Assert.Throws<ArgumentException>(() => small.Fit([0.5f, bad], [1f]));
        Assert.Contains($"Expected finite inputs, but row 0, column 1 is {bad}.", fit.Message);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.25f)]
    public void Cross_entropy_targets_outside_0_1_are_refused(float bad)
    {
        var binary = new PassFail(seed: 1);
        float[] x = [0, 0, 1, 1];
        string shown = bad.ToString();
        foreach (var e in new[]
        {
            Assert.Throws<ArgumentException>(() => binary.Fit(x, [0f, bad])),
            Assert.Throws<ArgumentException>(() => binary.Evaluate(x, [0f, bad])),
            Assert.Throws<ArgumentException>(() => binary.LossAndGradient(x, [0f, bad], new float[PassFail.ParameterCount])),
        })
        {
            Assert.Equal("targets", e.ParamName);
            Assert.Contains("[0, 1]", e.Message);
            Assert.Contains("row 1, column 0", e.Message);
            Assert.Contains(shown, e.Message);
        }

        var categorical = new SmallClassifier(seed: 1);
        var c = Assert.Throws<ArgumentException>(() => categorical.Fit(new float[4], [0f, bad, 1f]));
        Assert.Contains("[0, 1]", c.Message);
        Assert.Contains("row 0, column 1", c.Message);
    }

    public static TheoryData<float[], string> RowsThatAreNotDistributions() => new()
    {
        { [0f, 0f, 0f], "0" },           // no class at all: the loss would be 0
        { [1f, 1f, 0f], "2" },           // two classes
        { [0.5f, 0.25f, 0f], "0.75" },   // probabilities that miss a quarter
    };

    [Theory]
    [MemberData(nameof(RowsThatAreNotDistributions))]
    public void Categorical_targets_must_be_one_hot_or_sum_to_1_everywhere_they_enter(float[] badRow, string sum)
    {
        var net = new SmallClassifier(seed: 1); // 4 inputs, 3 classes
        var x = new float[5 * 4];
        var y = OneHot(3, 0, 1, 2, 0, 1);
        badRow.CopyTo(y, 3 * 3);
        var before = net.Parameters.ToArray();
        using var trainer = new Trainer(net, new Sgd(), maxBatchSize: 5);
        foreach (var e in new[]
        {
            Assert.Throws<ArgumentException>(() => net.Fit(x, y)),
            Assert.Throws<ArgumentException>(() => net.Evaluate(x, y)),
            Assert.Throws<ArgumentException>(() => net.LossAndGradient(x, y, new float[SmallClassifier.ParameterCount])),
            Assert.Throws<ArgumentException>(() => trainer.Step(x, y)),
            Assert.Throws<ArgumentException>(() => net.Fit(x, OneHot(3, 0, 1, 2, 0, 1), new TrainOptions { Validation = new ValidationData(x, y) })),
        })
        {
            Assert.Equal("targets", e.ParamName);
            Assert.Contains($"row 3 sums to {sum}; categorical cross-entropy needs one-hot rows (or probabilities summing to 1)", e.Message);
        }
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Categorical_targets_may_be_smoothed_labels_or_probabilities_rounded_in_float()
    {
        // Label smoothing as Keras does it, y·(1 − ε) + ε/K, in float: rows sum to 1 within rounding.
        var smoothed = OneHot(3, 0, 1, 2, 2).Select(v => v * 0.9f + 0.1f / 3f).ToArray();
        Assert.NotEqual(1.0, smoothed.Take(3).Sum(v => (double)v)); // the rounding is real
        var net = new SmallClassifier(seed: 1);
        net.Fit(new float[16], smoothed);
        net.Evaluate(new float[16], smoothed);

        // Soft targets from a teacher: random rows normalised in float.
        var random = new SeededRandom(3);
        var soft = new float[50 * 5];
        for (int r = 0; r < 50; r++)
        {
            var row = soft.AsSpan(r * 5, 5);
            float total = 0f;
            for (int k = 0; k < 5; k++) total += row[k] = random.NextFloat();
            for (int k = 0; k < 5; k++) row[k] /= total;
        }
        var history = new KernelClassifier(seed: 1).Fit(new float[50 * 37], soft, new TrainOptions { Epochs = 2 });
        Assert.Equal(2, history.Epochs.Count);
    }

    [Fact]
    public void A_trainer_refuses_a_batch_larger_than_it_was_built_for()
    {
        var net = new PassFail(seed: 1);
        using var trainer = new Trainer(net, new Sgd(), maxBatchSize: 4, maxDegreeOfParallelism: 1);
        var e = Assert.Throws<ArgumentException>(() => trainer.Step(new float[10], new float[5]));
        AssertNames(e, "inputs", expected: "4", actual: "5");
    }

    [Fact]
    public void Invalid_training_options_are_refused()
    {
        var net = new PassFail(seed: 1);
        float[] x = [0, 0], y = [1];
        Assert.Equal("BatchSize", Assert.ThrowsAny<ArgumentException>(() => net.Fit(x, y, new TrainOptions { BatchSize = 0 })).ParamName);
        Assert.Equal("Epochs", Assert.ThrowsAny<ArgumentException>(() => net.Fit(x, y, new TrainOptions { Epochs = -1 })).ParamName);
        Assert.Equal("MaxDegreeOfParallelism", Assert.ThrowsAny<ArgumentException>(() => net.Fit(x, y, new TrainOptions { MaxDegreeOfParallelism = 0 })).ParamName);
    }

    /// <summary>The exception names the parameter, and its message the expected and the actual value, each as a whole word.</summary>
    private static void AssertNames(ArgumentException e, string parameter, string expected, string actual)
    {
        Assert.Equal(parameter, e.ParamName);
        Assert.Matches(new Regex($@"\b{Regex.Escape(expected)}\b"), e.Message);
        Assert.Matches(new Regex($@"\b{Regex.Escape(actual)}\b"), e.Message);
    }

    private static float[] OneHot(int classes, params int[] labels)
    {
        var y = new float[labels.Length * classes];
        for (int r = 0; r < labels.Length; r++) y[r * classes + labels[r]] = 1f;
        return y;
    }

    private static int[] Bits(Span<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }
}
