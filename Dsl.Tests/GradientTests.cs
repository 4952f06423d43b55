using Xunit;
namespace NetDsl.Tests;

/// <summary>
/// The generated backprop against central finite differences of an independent double-precision
/// forward pass (<see cref="Reference"/>), for every activation, every loss, the unrolled and the
/// kernel code paths, odd batch sizes, deep stacks and dropout.
/// </summary>
public sealed class GradientTests
{
    public static readonly int[] BatchSizes = [1, 3, 7, 33];

    public static TheoryData<string, int> NetworksWithoutDropout()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Subject.WithoutDropout)
            foreach (int rows in BatchSizes)
                data.Add(name, rows);
        return data;
    }

    public static TheoryData<string, int, ulong> NetworksWithDropout()
    {
        var data = new TheoryData<string, int, ulong>();
        foreach (var name in Subject.WithDropout)
            foreach (int rows in BatchSizes)
                foreach (ulong seed in new ulong[] { 0, 12345 })
                    data.Add(name, rows, seed);
        return data;
    }

    public static TheoryData<string> AllNetworks()
    {
        var data = new TheoryData<string>();
        foreach (var name in Subject.WithoutDropout.Concat(Subject.WithDropout)) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(NetworksWithoutDropout))]
    public void Gradient_matches_finite_differences(string network, int rows)
    {
        var s = Subject.Create(network);
        s.RandomizeBiases(rows);
        var (x, y) = TestData.For(s.Spec, rows, seed: rows + 100);
        GradientCheck.Verify(s.Spec, s.Network.Parameters, x, y, rows, s.LossAndGradient);
    }

    [Theory]
    [MemberData(nameof(NetworksWithDropout))]
    public void Gradient_with_dropout_matches_finite_differences_under_the_same_masks(string network, int rows, ulong dropoutSeed)
    {
        var s = Subject.Create(network);
        s.RandomizeBiases(rows);
        var (x, y) = TestData.For(s.Spec, rows, seed: rows + 200);
        var masks = s.Spec.Masks(dropoutSeed, rows);
        GradientCheck.Verify(s.Spec, s.Network.Parameters, x, y, rows,
            (xs, ys, g) => s.SeededLossAndGradient!(xs, ys, g, dropoutSeed), masks);
    }

    [Theory]
    [InlineData(nameof(SmallDropout))]
    [InlineData(nameof(KernelDropout))]
    [InlineData(nameof(InputDropout))]
    public void The_unseeded_overload_is_the_seeded_one_with_seed_zero(string network)
    {
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, 33, seed: 3);
        var unseeded = new float[s.Spec.ParameterCount];
        var zero = new float[s.Spec.ParameterCount];
        float lossUnseeded = s.LossAndGradient(x, y, unseeded);
        float lossZero = s.SeededLossAndGradient!(x, y, zero, 0UL);
        Assert.Equal(BitConverter.SingleToInt32Bits(lossZero), BitConverter.SingleToInt32Bits(lossUnseeded));
        Assert.Equal(Bits(zero), Bits(unseeded));

        // And it is a finite-difference-correct gradient under seed 0's masks.
        GradientCheck.Verify(s.Spec, s.Network.Parameters, x, y, 33, s.LossAndGradient, s.Spec.Masks(0, 33));
    }

    [Theory]
    [InlineData(nameof(SmallDropout))]
    [InlineData(nameof(KernelDropout))]
    [InlineData(nameof(InputDropout))]
    public void A_dropout_seed_fixes_the_masks_and_another_seed_draws_others(string network)
    {
        var s = Subject.Create(network);
        var (x, y) = TestData.For(s.Spec, 33, seed: 4);
        var g1 = new float[s.Spec.ParameterCount];
        var g2 = new float[s.Spec.ParameterCount];
        var g3 = new float[s.Spec.ParameterCount];
        float l1 = s.SeededLossAndGradient!(x, y, g1, 77);
        float l2 = s.SeededLossAndGradient!(x, y, g2, 77);
        float l3 = s.SeededLossAndGradient!(x, y, g3, 78);
        Assert.Equal(l1, l2);
        Assert.Equal(Bits(g1), Bits(g2));
        Assert.NotEqual(l1, l3);
        Assert.NotEqual(Bits(g1), Bits(g3));
    }

    [Fact]
    public void Dropout_masks_drop_at_the_declared_rate_and_scale_the_kept_units()
    {
        const int rows = 400, width = 50;
        foreach (float rate in new[] { 0.2f, 0.5f })
        {
            var mask = new float[rows * width];
            new DropoutStream(9).Fill(mask, 1, rows, width, rate);
            Assert.All(mask, m => Assert.True(m == 0f || m == 1f / (1f - rate), $"mask value {m}"));
            double dropped = mask.Count(m => m == 0f) / (double)mask.Length;
            // 20 000 Bernoulli draws: the standard error is < 0.004.
            Assert.InRange(dropped, rate - 0.02, rate + 0.02);
        }
    }

    [Fact]
    public void Dropout_masks_do_not_depend_on_how_the_batch_is_sharded()
    {
        const int rows = 40, width = 7;
        var whole = new float[rows * width];
        new DropoutStream(5).Fill(whole, 2, rows, width, 0.3f);
        var sharded = new float[rows * width];
        foreach (int start in new[] { 0, 16, 32 })
        {
            int n = Math.Min(16, rows - start);
            new DropoutStream(5).ForShard(start).Fill(sharded.AsSpan(start * width), 2, n, width, 0.3f);
        }
        Assert.Equal(whole, sharded);
    }

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void Layer_views_follow_the_documented_parameter_layout(string network)
    {
        var s = Subject.Create(network);
        Assert.Equal(s.Spec.ParameterCount, s.Network.Parameters.Length);
        Assert.Equal(s.Spec.Inputs, s.Network.InputSize);
        Assert.Equal(s.Spec.Outputs, s.Network.OutputSize);
        Assert.Equal(s.Spec.Loss, s.Network.Loss);
        foreach (var (spec, view) in s.Spec.Layers.Zip(s.LayerViews()))
        {
            Assert.Equal(spec.Name, view.Name);
            Assert.Equal(spec.Units, view.Units);
            Assert.Equal(spec.Inputs, view.Inputs);
            Assert.Equal(spec.ParameterCount, view.ParameterCount);
            if (!spec.IsDense) continue;
            Assert.Equal(spec.Offset, view.Offset);
            // Writing through the views lands where the layout says.
            view.Weights[spec.Units - 1, spec.Inputs - 1] = 1234.5f;
            view.Bias[spec.Units - 1] = -6789.25f;
            Assert.Equal(1234.5f, s.Network.Parameters[spec.BiasOffset - 1]);
            Assert.Equal(-6789.25f, s.Network.Parameters[spec.BiasOffset + spec.Units - 1]);
        }
    }

    [Theory]
    [MemberData(nameof(AllNetworks))]
    public void Predict_matches_the_reference_forward_pass_with_dropout_off(string network)
    {
        var s = Subject.Create(network);
        s.RandomizeBiases(3);
        const int rows = 5;
        var (x, _) = TestData.For(s.Spec, rows, seed: 11);
        double[] expected = Reference.Predict(s.Spec, s.Network.Parameters.ToArray(), x, rows);
        var output = new float[s.Spec.Outputs];
        for (int r = 0; r < rows; r++)
        {
            s.Predict(x.AsSpan(r * s.Spec.Inputs, s.Spec.Inputs), output);
            for (int i = 0; i < output.Length; i++)
                Assert.True(Math.Abs(output[i] - expected[r * output.Length + i]) <= 1e-5,
                    $"{network} row {r} output {i}: Predict gives {output[i]:R}, the reference {expected[r * output.Length + i]:R}.");
        }
    }

    [Theory]
    [InlineData(nameof(PassFail), 7)]
    [InlineData(nameof(KernelClassifier), 33)]
    [InlineData(nameof(KernelRegressor), 33)]
    [InlineData(nameof(KernelBinary), 33)]
    [InlineData(nameof(DeepUnrolled), 300)] // more rows than Evaluate's 256-row chunk
    [InlineData(nameof(WideClassifier), 600)]
    [InlineData(nameof(SoftmaxRegressor), 300)]
    public void Evaluate_reports_the_loss_LossAndGradient_reports(string network, int rows)
    {
        var s = Subject.Create(network);
        s.RandomizeBiases(1);
        var (x, y) = TestData.For(s.Spec, rows, seed: 21);
        float trained = s.LossAndGradient(x, y, new float[s.Spec.ParameterCount]);
        var evaluated = s.Evaluate(x, y);
        Assert.True(Math.Abs(evaluated.Loss - trained) <= 1e-6 * Math.Abs(trained),
            $"{network}, {rows} rows: Evaluate's loss {evaluated.Loss:R} differs from LossAndGradient's {trained:R}.");

        // Accuracy, counted from the reference outputs.
        double[] outputs = Reference.Predict(s.Spec, s.Network.Parameters.ToArray(), x, rows);
        int width = s.Spec.Outputs;
        switch (s.Spec.Loss)
        {
            case Loss.MeanSquaredError:
                Assert.Null(evaluated.Accuracy);
                break;
            case Loss.BinaryCrossEntropy:
                int right = Enumerable.Range(0, outputs.Length).Count(i => outputs[i] > 0.5 == y[i] > 0.5f);
                Assert.Equal((float)right / outputs.Length, evaluated.Accuracy!.Value, 6);
                break;
            case Loss.CategoricalCrossEntropy:
                int correct = Enumerable.Range(0, rows).Count(r =>
                    ArgMax(outputs.AsSpan(r * width, width)) == ArgMax(y.Select(v => (double)v).ToArray().AsSpan(r * width, width)));
                Assert.Equal((float)correct / rows, evaluated.Accuracy!.Value, 6);
                break;
        }
    }

    [Theory]
    [InlineData(nameof(SmallDropout))]
    [InlineData(nameof(KernelDropout))]
    public void Evaluate_runs_with_dropout_off(string network)
    {
        var s = Subject.Create(network);
        const int rows = 40;
        var (x, y) = TestData.For(s.Spec, rows, seed: 8);
        double[] theta = s.Network.Parameters.ToArray().Select(p => (double)p).ToArray();
        double expected = Reference.Loss(s.Spec, theta, x, y, rows, masks: null, out _);
        Assert.Equal(expected, s.Evaluate(x, y).Loss, 1e-5);
    }

    [Theory]
    [InlineData(nameof(PassFail))]
    [InlineData(nameof(KernelClassifier))]
    [InlineData(nameof(DeepMixed))]
    public void The_gradient_of_a_batch_is_the_mean_of_its_rows_gradients(string network)
    {
        var s = Subject.Create(network);
        const int rows = 7;
        var (x, y) = TestData.For(s.Spec, rows, seed: 5);
        int p = s.Spec.ParameterCount, width = s.Spec.Outputs, inputs = s.Spec.Inputs;
        var batch = new float[p];
        s.LossAndGradient(x, y, batch);
        var mean = new double[p];
        var single = new float[p];
        for (int r = 0; r < rows; r++)
        {
            s.LossAndGradient(x.AsSpan(r * inputs, inputs), y.AsSpan(r * width, width), single);
            for (int i = 0; i < p; i++) mean[i] += single[i] / (double)rows;
        }
        double scale = mean.Max(Math.Abs);
        for (int i = 0; i < p; i++)
            Assert.True(Math.Abs(batch[i] - mean[i]) <= 1e-5 * scale, $"{s.Spec.Describe(i)}: batch {batch[i]}, mean of rows {mean[i]}.");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void Binary_cross_entropy_is_accurate_for_confident_predictions(float target)
    {
        foreach (float z in new[] { -40f, -30f, -17f, -8f, -2f, 0.5f, 6f, 16f, 25f, 40f })
        {
            float loss = Losses.BinaryCrossEntropyWithLogits([z], [target], 1f, []);
            // −[y·log σ(z) + (1 − y)·log(1 − σ(z))] = max(z, 0) − z·y + log(1 + e^−|z|), in double with a series for tiny e^−|z|.
            double t = Math.Exp(-Math.Abs((double)z));
            double softplus = t < 1e-5 ? t - t * t / 2 + t * t * t / 3 : Math.Log(1 + t);
            double expected = Math.Max(z, 0) - (double)z * target + softplus;
            Assert.True(Math.Abs(loss - expected) <= 1e-6 * expected,
                $"z = {z}, y = {target}: loss {loss:R}, expected {expected:R} (relative error {Math.Abs(loss - expected) / expected:E1}).");
        }
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
