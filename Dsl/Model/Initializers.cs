using System.ComponentModel;
namespace NetDsl.Runtime;

/// <summary>Draws a layer's initial weights, as Keras's initializers define them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Initializers
{
    /// <summary>Fills <paramref name="weights"/> of a <paramref name="fanIn"/> → <paramref name="fanOut"/> layer.</summary>
    public static void Fill(Span<float> weights, Initializer initializer, int fanIn, int fanOut, ref SeededRandom random)
    {
        switch (initializer)
        {
            case Initializer.GlorotUniform: Uniform(weights, Math.Sqrt(6.0 / (fanIn + fanOut)), ref random); break;
            case Initializer.HeUniform: Uniform(weights, Math.Sqrt(6.0 / fanIn), ref random); break;
            case Initializer.GlorotNormal: TruncatedNormal(weights, Math.Sqrt(2.0 / (fanIn + fanOut)), ref random); break;
            case Initializer.HeNormal: TruncatedNormal(weights, Math.Sqrt(2.0 / fanIn), ref random); break;
            case Initializer.Zeros: weights.Clear(); break;
            default: throw new ArgumentOutOfRangeException(nameof(initializer), initializer, "Not a defined Initializer.");
        }
    }

    private static void Uniform(Span<float> weights, double limit, ref SeededRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)((2.0 * random.NextFloat() - 1.0) * limit);
    }

    // Keras's normal initializers draw a normal truncated at two standard deviations, with σ
    // corrected by 0.8796… so the truncated distribution keeps the intended variance.
    private static void TruncatedNormal(Span<float> weights, double stddev, ref SeededRandom random)
    {
        double sigma = stddev / 0.87962566103423978;
        for (int i = 0; i < weights.Length; i++)
        {
            double x;
            do x = random.NextNormal(); while (Math.Abs(x) > 2.0);
            weights[i] = (float)(x * sigma);
        }
    }
}
