using Xunit;
using System.Text;
using Xunit.Sdk;

namespace NetDsl.Tests;

/// <summary>
/// Compares a network's analytic gradient (float, from the generated backprop) with central finite
/// differences of the double-precision <see cref="Reference"/> loss at the same float parameters.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Finite-difference step, in double.</summary>
    public const double Step = 1e-4;

    /// <summary>Allowed relative error of one component.</summary>
    public const double RelativeTolerance = 2e-3;

    /// <summary>Allowed absolute error, as a fraction of the largest gradient component of the same layer.</summary>
    public const double LayerAbsoluteTolerance = 1e-4;

    /// <summary>Networks with more parameters than this are checked on a seeded sample of them.</summary>
    public const int MaxChecked = 320;

    /// <summary>
    /// Runs <paramref name="lossAndGradient"/> on the batch and checks its loss against the reference and
    /// every (or a sample of every layer's) gradient component against central differences.
    /// <paramref name="masks"/> are the dropout masks the pass uses, or null for a network without dropout.
    /// </summary>
    public static void Verify(NetSpec spec, Span<float> parameters, float[] x, float[] y, int rows,
        LossAndGradientFn lossAndGradient, Dictionary<int, float[]>? masks = null, int sampleSeed = 1)
    {
        Assert.Equal(spec.ParameterCount, parameters.Length);
        var gradient = new float[parameters.Length];
        gradient.AsSpan().Fill(float.NaN); // LossAndGradient must overwrite every component
        float loss = lossAndGradient(x, y, gradient);

        double[] theta = new double[parameters.Length];
        for (int i = 0; i < theta.Length; i++) theta[i] = parameters[i];
        double referenceLoss = Reference.Loss(spec, theta, x, y, rows, masks, out ulong baseSigns);
        Assert.True(Math.Abs(loss - referenceLoss) <= 1e-5 * Math.Max(1, Math.Abs(referenceLoss)),
            $"{spec.Name}, {rows} rows: LossAndGradient returned {loss:R}, the double-precision reference gives {referenceLoss:R}.");

        var indices = Indices(spec, sampleSeed);
        var fd = new Dictionary<int, double>();
        int skipped = 0;
        foreach (int i in indices)
        {
            double? d = CentralDifference(spec, theta, x, y, rows, masks, i, baseSigns);
            if (d is { } value) fd[i] = value;
            else skipped++;
        }
        // A perturbation that crosses a ReLU kink has no valid finite difference; it must stay rare.
        Assert.True(skipped <= indices.Count / 50,
            $"{spec.Name}: {skipped} of {indices.Count} finite differences crossed a ReLU kink even at h = {Step / 1000}.");

        var failures = new List<(int Index, double Analytic, double Numeric, double Error)>();
        foreach (var layer in spec.Layers.Where(l => l.IsDense))
        {
            var inLayer = fd.Keys.Where(i => i >= layer.Offset && i < layer.Offset + layer.ParameterCount).ToList();
            Assert.NotEmpty(inLayer);
            double scale = inLayer.Max(i => Math.Abs(fd[i]));
            // Guard against a vacuous check: each layer's gradient must actually be there.
            Assert.True(scale > 1e-5, $"{spec.Name}.{layer.Name}: every checked gradient component is ~0 ({scale:E2}); the check would prove nothing.");
            foreach (int i in inLayer)
            {
                double analytic = gradient[i], numeric = fd[i], error = Math.Abs(analytic - numeric);
                double allowed = RelativeTolerance * Math.Max(Math.Abs(analytic), Math.Abs(numeric)) + LayerAbsoluteTolerance * scale + 1e-9;
                if (!(error <= allowed)) failures.Add((i, analytic, numeric, error / allowed));
            }
        }
        if (failures.Count > 0)
        {
            var message = new StringBuilder($"{spec.Name}, {rows} rows: {failures.Count} of {fd.Count} gradient components disagree with finite differences:");
            foreach (var f in failures.OrderByDescending(f => f.Error).Take(12))
                message.Append($"\n  {spec.Describe(f.Index),-20} analytic {f.Analytic,14:E6}  numeric {f.Numeric,14:E6}  ({f.Error:F1}× the tolerance)");
            throw new XunitException(message.ToString());
        }
    }

    private static double? CentralDifference(NetSpec spec, double[] theta, float[] x, float[] y, int rows,
        Dictionary<int, float[]>? masks, int i, ulong baseSigns)
    {
        double original = theta[i];
        try
        {
            for (double h = Step; h >= Step / 1000; h /= 10)
            {
                theta[i] = original + h;
                double plus = Reference.Loss(spec, theta, x, y, rows, masks, out ulong plusSigns);
                theta[i] = original - h;
                double minus = Reference.Loss(spec, theta, x, y, rows, masks, out ulong minusSigns);
                if (plusSigns == baseSigns && minusSigns == baseSigns)
                    return (plus - minus) / (2 * h);
            }
            return null;
        }
        finally
        {
            theta[i] = original;
        }
    }

    /// <summary>Every parameter of a small network; for a large one a seeded sample plus each layer's corners and biases.</summary>
    private static List<int> Indices(NetSpec spec, int seed)
    {
        if (spec.ParameterCount <= MaxChecked) return Enumerable.Range(0, spec.ParameterCount).ToList();
        var chosen = new SortedSet<int>();
        foreach (var l in spec.Layers.Where(l => l.IsDense))
        {
            chosen.Add(l.Offset);
            chosen.Add(l.Offset + l.WeightCount - 1);
            for (int u = 0; u < l.Units; u++) chosen.Add(l.BiasOffset + u);
        }
        var random = new SeededRandom(seed, 5);
        while (chosen.Count < MaxChecked) chosen.Add(random.NextInt(spec.ParameterCount));
        return chosen.ToList();
    }
}
