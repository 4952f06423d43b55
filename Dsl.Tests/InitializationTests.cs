namespace NetDsl.Tests;

/// <summary>Initial weights follow Keras's initializers, come from the seed alone, and biases start at zero.</summary>
public partial class InitializationTests
{
    [Network(Inputs = 300)]
    public partial class Initialized
    {
        [Dense(200, Activation.Tanh)] public partial Layer Glorot { get; }
        [Dense(100, Activation.Relu, Initializer = Initializer.HeUniform)] public partial Layer He { get; }
        [Dense(100, Activation.Relu, Initializer = Initializer.HeNormal)] public partial Layer HeGaussian { get; }
        [Dropout(0.5)] public partial Layer Drop { get; }
        [Dense(50, Initializer = Initializer.GlorotNormal)] public partial Layer GlorotGaussian { get; }
        [Dense(1, Initializer = Initializer.Zeros)] public partial Layer Output { get; }
    }

    private static (double Mean, double Variance, double MaxAbs) Stats(Span<float> values)
    {
        double mean = 0, square = 0, max = 0;
        foreach (float v in values)
        {
            mean += v;
            square += (double)v * v;
            max = Math.Max(max, Math.Abs(v));
        }
        mean /= values.Length;
        return (mean, square / values.Length - mean * mean, max);
    }

    [Theory]
    // uniform(±limit): variance limit²/3; truncated normal: variance as the untruncated σ² (Keras rescales σ)
    [InlineData("Glorot", 6.0 / (300 + 200) / 3, 0.1095445)]                       // limit √(6/500)
    [InlineData("He", 6.0 / 200 / 3, 0.1732051)]                                   // limit √(6/200)
    [InlineData("HeGaussian", 2.0 / 100, 2 * 1.1369 * 0.1414214)]                  // 2σ′ = 2·σ/0.8796
    [InlineData("GlorotGaussian", 2.0 / (100 + 50), 2 * 1.1369 * 0.1154701)]
    public void Weights_have_the_initializers_spread(string layer, double variance, double bound)
    {
        var net = new Initialized(seed: 3);
        var view = layer switch
        {
            "Glorot" => net.Glorot, "He" => net.He, "HeGaussian" => net.HeGaussian, _ => net.GlorotGaussian,
        };
        var (mean, actual, maxAbs) = Stats(view.Weights.AsSpan());
        Assert.InRange(mean, -0.05 * Math.Sqrt(variance), 0.05 * Math.Sqrt(variance));
        Assert.InRange(actual, 0.93 * variance, 1.07 * variance);
        Assert.True(maxAbs <= bound * 1.0001, $"{layer}: |w| up to {maxAbs}, bound {bound}");
        Assert.True(maxAbs > bound * 0.9, $"{layer}: |w| only up to {maxAbs}, bound {bound}");
        Assert.All(view.Bias.ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Zeros_means_zeros()
    {
        var net = new Initialized(seed: 3);
        Assert.All(net.Output.Parameters.ToArray(), w => Assert.Equal(0f, w));
    }

    [Fact]
    public void The_seed_alone_decides_the_weights()
    {
        Assert.Equal(new Initialized(seed: 7).Parameters.ToArray(), new Initialized(seed: 7).Parameters.ToArray());
        Assert.NotEqual(new Initialized(seed: 7).Parameters.ToArray(), new Initialized(seed: 8).Parameters.ToArray());
    }

    [Fact]
    public void Layers_draw_from_independent_streams()
    {
        // Two equally shaped layers must not start with the same weights.
        var net = new Initialized(seed: 1);
        Assert.NotEqual(net.He.Weights.AsSpan().ToArray(), net.HeGaussian.Weights.AsSpan().ToArray());
    }
}
