using System.Reflection;

namespace NetDsl.Tests;

internal delegate float LossAndGradientFn(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient);

internal delegate float SeededLossAndGradientFn(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, ulong dropoutSeed);

internal delegate void PredictFn(ReadOnlySpan<float> inputs, Span<float> outputs);

internal delegate EvaluationResult EvaluateFn(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

/// <summary>A test network with its generated entry points as delegates, so one test can drive any of them.</summary>
internal sealed record Subject(
    INetworkModel Network, NetSpec Spec, LossAndGradientFn LossAndGradient, SeededLossAndGradientFn? SeededLossAndGradient,
    PredictFn Predict, EvaluateFn Evaluate)
{
    public string Name => Spec.Name;

    public static readonly string[] WithoutDropout =
    [
        nameof(PassFail), nameof(Perceptron), nameof(TanhRegressor), nameof(ReluRegressor), nameof(SigmoidRegressor),
        nameof(TanhReluOutputs), nameof(SoftmaxRegressor), nameof(KernelSoftmaxRegressor), nameof(SmallClassifier),
        nameof(UnrollBoundary), nameof(KernelClassifier), nameof(KernelRegressor), nameof(KernelBinary),
        nameof(WideClassifier), nameof(DeepUnrolled), nameof(DeepMixed), nameof(Xor), nameof(CurveFit), nameof(ThreeClasses),
    ];

    public static readonly string[] WithDropout = [nameof(SmallDropout), nameof(KernelDropout), nameof(InputDropout)];

    public static Subject Create(string name, int seed = 7) => name switch
    {
        nameof(PassFail) => Of(new PassFail(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(Perceptron) => Of(new Perceptron(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(TanhRegressor) => Of(new TanhRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(ReluRegressor) => Of(new ReluRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(SigmoidRegressor) => Of(new SigmoidRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(TanhReluOutputs) => Of(new TanhReluOutputs(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(SoftmaxRegressor) => Of(new SoftmaxRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(KernelSoftmaxRegressor) => Of(new KernelSoftmaxRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(SmallClassifier) => Of(new SmallClassifier(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(UnrollBoundary) => Of(new UnrollBoundary(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(KernelClassifier) => Of(new KernelClassifier(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(KernelRegressor) => Of(new KernelRegressor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(KernelBinary) => Of(new KernelBinary(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(WideClassifier) => Of(new WideClassifier(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(DeepUnrolled) => Of(new DeepUnrolled(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(DeepMixed) => Of(new DeepMixed(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(Xor) => Of(new Xor(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(CurveFit) => Of(new CurveFit(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(ThreeClasses) => Of(new ThreeClasses(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate),
        nameof(SmallDropout) => Of(new SmallDropout(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate, n => n.LossAndGradient),
        nameof(KernelDropout) => Of(new KernelDropout(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate, n => n.LossAndGradient),
        nameof(InputDropout) => Of(new InputDropout(seed), n => n.LossAndGradient, n => n.Predict, n => n.Evaluate, n => n.LossAndGradient),
        _ => throw new ArgumentException($"No test network named {name}.", nameof(name)),
    };

    private static Subject Of<T>(T network, Func<T, LossAndGradientFn> lossAndGradient, Func<T, PredictFn> predict,
        Func<T, EvaluateFn> evaluate, Func<T, SeededLossAndGradientFn>? seeded = null) where T : INetworkModel =>
        new(network, NetSpec.Of(typeof(T)), lossAndGradient(network), seeded?.Invoke(network), predict(network), evaluate(network));

    /// <summary>The generated layer views, read through the layer properties.</summary>
    public IEnumerable<Layer> LayerViews() => Spec.Layers.Select(l =>
        (Layer)Network.GetType().GetProperty(l.Name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(Network)!);

    /// <summary>Gives every bias a random value in [−0.5, 0.5], so no check runs at the special point b = 0.</summary>
    public void RandomizeBiases(int seed)
    {
        var random = new SeededRandom(seed, 99);
        var parameters = Network.Parameters;
        foreach (var l in Spec.Layers.Where(l => l.IsDense))
            for (int u = 0; u < l.Units; u++)
                parameters[l.BiasOffset + u] = random.NextFloat() - 0.5f;
    }
}

/// <summary>Seeded test data shaped for a network and its loss.</summary>
internal static class TestData
{
    /// <summary>
    /// Inputs uniform in [−1, 1]; targets uniform in [−1, 1] for MSE, probabilities in [0, 1] for BCE
    /// (hard 0/1 on every other row, soft otherwise), one-hot classes for CCE.
    /// </summary>
    public static (float[] Inputs, float[] Targets) For(NetSpec spec, int rows, int seed)
    {
        var random = new SeededRandom(seed, 1234);
        var x = new float[rows * spec.Inputs];
        for (int i = 0; i < x.Length; i++) x[i] = 2f * random.NextFloat() - 1f;
        var y = new float[rows * spec.Outputs];
        for (int r = 0; r < rows; r++)
        {
            var t = y.AsSpan(r * spec.Outputs, spec.Outputs);
            switch (spec.Loss)
            {
                case Loss.MeanSquaredError:
                    for (int i = 0; i < t.Length; i++) t[i] = 2f * random.NextFloat() - 1f;
                    break;
                case Loss.BinaryCrossEntropy:
                    for (int i = 0; i < t.Length; i++) t[i] = r % 2 == 0 ? random.NextInt(2) : random.NextFloat();
                    break;
                case Loss.CategoricalCrossEntropy:
                    t[random.NextInt(t.Length)] = 1f;
                    break;
            }
        }
        return (x, y);
    }
}
