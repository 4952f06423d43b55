namespace NetDsl.Tests;

/// <summary>A 200 → 100 → 3 classifier: 20 403 parameters, more than one chunk of the trainer (16 384).</summary>
[Network(Inputs = 200, Loss = Loss.CategoricalCrossEntropy)]
public partial class TwoChunks
{
    [Dense(100, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>Keras 3's gradient clipping and decoupled weight decay on the base optimizer, against hand-worked steps.</summary>
public sealed class ClippingAndWeightDecayTests
{
    private static float[] Step(Optimizer optimizer, float[] theta, params float[][] gradients)
    {
        var state = optimizer.CreateState(theta.Length);
        foreach (var g in gradients) state.Step(theta, g);
        return theta;
    }

    [Fact]
    public void ClipValue_clips_each_gradient_value()
    {
        float[] g = [3f, -0.5f, -7f];
        Assert.Equal([-0.1f, 0.05f, 0.1f], Step(new Sgd(0.1f) { ClipValue = 1f }, [0f, 0f, 0f], g));
        Assert.Equal([3f, -0.5f, -7f], g); // the caller's gradient is left as it was
    }

    [Fact]
    public void GlobalClipNorm_scales_the_whole_gradient_down_to_the_norm_and_leaves_a_smaller_one()
    {
        // ‖(3, 4)‖ = 5: scaled by 1/5. ‖(0.3, 0.4)‖ = 0.5 < 1: scale c·min(1/0.5, 1/c) = 1.
        Assert.Equal([-0.6f, -0.8f], Step(new Sgd(1f) { GlobalClipNorm = 1f }, [0f, 0f], [3f, 4f]));
        Assert.Equal([-0.3f, -0.4f], Step(new Sgd(1f) { GlobalClipNorm = 1f }, [0f, 0f], [0.3f, 0.4f]));
    }

    [Fact]
    public void ClipNorm_in_a_step_of_the_state_takes_the_whole_buffer_as_one_variable()
    {
        // g · c / max(‖g‖, c) = (3, 4) · 2 / 5.
        Assert.Equal([-1.2f, -1.6f], Step(new Sgd(1f) { ClipNorm = 2f }, [0f, 0f], [3f, 4f]));
        Assert.Equal([-0.3f, -0.4f], Step(new Sgd(1f) { ClipNorm = 2f }, [0f, 0f], [0.3f, 0.4f]));
    }

    [Fact]
    public void Weight_decay_is_w_minus_w_times_wd_times_lr_before_the_update_after_clipping()
    {
        // No gradient: 1 − 1·0.5·0.1 = 0.95, −2 + 2·0.05 = −1.9.
        Assert.Equal([1f - 1f * 0.5f * 0.1f, -2f - -2f * 0.5f * 0.1f], Step(new Sgd(0.1f) { WeightDecay = 0.5f }, [1f, -2f], [0f, 0f]));
        Assert.Equal(0.95f, Step(new Sgd(0.1f) { WeightDecay = 0.5f }, [1f], [0f])[0], 1e-7f);
        // Decay from the weight before the update: 0.95, then − 0.1·2 = 0.75; clipped to 1 first: 0.95 − 0.1 = 0.85.
        Assert.Equal(0.75f, Step(new Sgd(0.1f) { WeightDecay = 0.5f }, [1f], [2f])[0], 1e-7f);
        Assert.Equal(0.85f, Step(new Sgd(0.1f) { WeightDecay = 0.5f, ClipValue = 1f }, [1f], [2f])[0], 1e-7f);
    }

    [Fact]
    public void Weight_decay_uses_the_steps_scheduled_rate()
    {
        // Rates 1 then 0.5, decay 0.1, no gradient: 1 → 0.9 → 0.9 − 0.9·0.1·0.5 = 0.855.
        var sgd = new Sgd { WeightDecay = 0.1f, LearningRateSchedule = new PiecewiseConstantDecay([0], [1f, 0.5f]) };
        Assert.Equal(0.855f, Step(sgd, [1f], [0f], [0f])[0], 1e-7f);
    }

    [Fact]
    public void AdamW_is_Adam_with_weight_decay_0_004_by_default()
    {
        Assert.Equal(0.004f, new AdamW().WeightDecay);
        Assert.Null(new Adam().WeightDecay);
        float[] g1 = [0.5f, -1f, 2f], g2 = [-0.25f, 0.5f, 1f];
        Assert.Equal(Step(new Adam { WeightDecay = 0.004f }, [1f, 2f, -3f], g1, g2), Step(new AdamW(), [1f, 2f, -3f], g1, g2));
        Assert.Equal(Step(new Adam(0.01f, Amsgrad: true) { WeightDecay = 0.1f, ClipValue = 0.75f }, [1f, 2f, -3f], g1, g2),
            Step(new AdamW(0.01f, 0.1f, Amsgrad: true) { ClipValue = 0.75f }, [1f, 2f, -3f], g1, g2));
        // By hand, θ = 1, g = 0.5: decay to 1 − 1·0.004·0.001 = 0.999996; then Adam's first step,
        // m = 0.05, v = 0.00025, ηₜ = 0.001·√0.001 / 0.1, θ −= ηₜ·m / (√v + 1e-7).
        double stepSize = 0.001 * Math.Sqrt(0.001) / 0.1;
        double expected = 0.999996 - stepSize * 0.05 / (Math.Sqrt(0.00025) + 1e-7);
        Assert.Equal(expected, Step(new AdamW(), [1f], [0.5f])[0], 1e-6);
        Assert.Contains("Keras refuses weight_decay=None", Assert.Throws<ArgumentException>(() => new AdamW(WeightDecay: null).CreateState(1)).Message);
    }

    [Fact]
    public void Settings_out_of_range_or_two_clippings_are_refused()
    {
        Assert.Contains("Only one of ClipNorm, GlobalClipNorm and ClipValue can be set",
            Assert.Throws<ArgumentException>(() => new Adam { ClipNorm = 1f, ClipValue = 0.5f }.CreateState(1)).Message);
        Assert.Equal("ClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { ClipNorm = 0f }.CreateState(1)).ParamName);
        Assert.Equal("GlobalClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { GlobalClipNorm = -1f }.CreateState(1)).ParamName);
        Assert.Equal("ClipValue", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp { ClipValue = float.PositiveInfinity }.CreateState(1)).ParamName);
        Assert.Equal("WeightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad { WeightDecay = float.NaN }.CreateState(1)).ParamName);
    }

    /// <summary>A hand-written model around a network that does not list its layers (<see cref="INetworkModel.Layers"/> stays null).</summary>
    private sealed class Unlisted(TwoChunks inner) : INetworkModel
    {
        public int InputSize => ((INetworkModel)inner).InputSize;
        public int OutputSize => ((INetworkModel)inner).OutputSize;
        public Loss Loss => ((INetworkModel)inner).Loss;
        public Span<float> Parameters => inner.Parameters;
        public NetworkWorkspace CreateWorkspace(int maxRows) => ((INetworkModel)inner).CreateWorkspace(maxRows);
        public float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
            Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout) =>
            ((INetworkModel)inner).ComputeLossAndGradient(inputs, targets, rows, scale, gradient, workspace, dropout);
        public ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace) =>
            ((INetworkModel)inner).ComputeLossInputs(inputs, rows, workspace);
    }

    private static (float[] X, float[] Y) Batch() => TestData.For(NetSpec.Of(typeof(TwoChunks)), 40, seed: 3);

    [Fact]
    public void ClipNorm_clips_each_layers_weights_and_bias_by_their_own_norm_as_the_generated_network_lists_them()
    {
        var (x, y) = Batch();
        var net = new TwoChunks(seed: 1);
        var theta = net.Parameters.ToArray();
        const float c = 0.5f, lr = 0.5f;
        using var trainer = new Trainer(net, new Sgd(lr) { ClipNorm = c }, maxBatchSize: 40);
        trainer.Step(x, y);

        // By hand: the four variables — Hidden's weights and bias, Output's weights and bias — each clipped by its own norm.
        float[] g = trainer.LastGradient.ToArray();
        (int Start, int Length)[] variables = [(0, 20_000), (20_000, 100), (20_100, 300), (20_400, 3)];
        var norms = new List<double>();
        foreach (var (start, length) in variables)
        {
            double norm = Math.Sqrt(g.AsSpan(start, length).ToArray().Sum(v => (double)v * v));
            norms.Add(norm);
            float divisor = MathF.Max((float)norm, c);
            for (int i = start; i < start + length; i++)
            {
                float expected = theta[i] + g[i] * c / divisor * -lr;
                Assert.True(Math.Abs(net.Parameters[i] - expected) <= 1e-6 * Math.Max(Math.Abs(expected), 1e-3), $"parameter {i}: {net.Parameters[i]} vs {expected}");
            }
        }
        Assert.Contains(norms, n => n > c);  // some variables were clipped…
        Assert.Contains(norms, n => n < c);  // …and some not: per variable, not over all
    }

    [Fact]
    public void A_trainer_gives_the_bits_of_a_state_step_on_the_summed_gradient_and_the_same_bits_on_any_thread_count()
    {
        var (x, y) = Batch();
        foreach (var optimizer in new Optimizer[]
        {
            new Sgd(0.5f) { ClipNorm = 0.05f }, new Adam(0.01f) { GlobalClipNorm = 0.1f }, new AdamW(0.01f) { ClipValue = 0.001f },
            new RmsProp(0.01f) { WeightDecay = 0.01f, GlobalClipNorm = 0.5f },
        })
        {
            // A model that does not list its layers: one variable, the whole buffer, in the trainer as in the state's Step.
            var net = new TwoChunks(seed: 1);
            var reference = net.Parameters.ToArray();
            var state = optimizer.CreateState(reference.Length);
            using (var trainer = new Trainer(new Unlisted(net), optimizer, maxBatchSize: 40, maxDegreeOfParallelism: 1))
                for (int step = 0; step < 3; step++)
                {
                    trainer.Step(x, y);
                    state.Step(reference, trainer.LastGradient);
                }
            Assert.Equal(Bits(reference), Bits(net.Parameters));

            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 4 })
            {
                var listed = new TwoChunks(seed: 1);
                using var trainer = new Trainer(listed, optimizer, maxBatchSize: 40, maxDegreeOfParallelism: threads);
                for (int step = 0; step < 3; step++) trainer.Step(x, y);
                if (first is null) first = listed.Parameters.ToArray();
                else Assert.Equal(Bits(first), Bits(listed.Parameters));
            }
        }
    }

    [Fact]
    public void A_network_whose_layers_do_not_tile_its_parameters_is_refused()
    {
        var net = new BadLayers(new TwoChunks(seed: 1));
        Assert.Contains("Layers cover 20100 of its 20403 parameters",
            Assert.Throws<InvalidOperationException>(() => new Trainer(net, new Sgd { ClipNorm = 1f }, 4)).Message);
    }

    private sealed class BadLayers(TwoChunks inner) : INetworkModel
    {
        public int InputSize => 200;
        public int OutputSize => 3;
        public Loss Loss => Loss.CategoricalCrossEntropy;
        public Span<float> Parameters => inner.Parameters;
        public IReadOnlyList<LayerDescription>? Layers => [TwoChunks.Layers[0]];
        public NetworkWorkspace CreateWorkspace(int maxRows) => ((INetworkModel)inner).CreateWorkspace(maxRows);
        public float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale,
            Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout) => 0f;
        public ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace) => default;
    }

    [Fact]
    public void Fit_with_weight_decay_and_clipping_still_learns()
    {
        var (x, y) = TrainingTests.Blobs(150, seed: 1);
        var net = new ThreeClasses(seed: 9);
        net.Fit(x, y, new TrainOptions { Epochs = 60, BatchSize = 16, Optimizer = new AdamW(0.02f) { GlobalClipNorm = 1f }, Seed = 2 });
        Assert.True(net.Evaluate(x, y).Accuracy >= 0.95f);
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < bits.Length; i++) bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        return bits;
    }
}
