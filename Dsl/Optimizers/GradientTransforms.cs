using System.Numerics;

namespace NetDsl;

/// <summary>
/// What Keras 3's base optimizer does around the rule's own update (<c>BaseOptimizer.apply</c>): clip the
/// gradient, then decay the weights, then update. Elementwise, so each runs on a trainer's chunk while it is
/// in cache, just before the rule's fused update, and gives the same bits whatever the chunking.
/// </summary>
internal static class GradientTransforms
{
    /// <summary>How the gradient is clipped, if at all: Keras's <c>clipnorm</c>, <c>global_clipnorm</c> or <c>clipvalue</c>.</summary>
    internal enum Clipping
    {
        None,
        Norm,
        GlobalNorm,
        Value,
    }

    /// <summary>
    /// Σ x², summed in double (squares of floats are exact there, and no float gradient overflows it), in an order
    /// fixed by the length alone — not by the memory's alignment — so the same values always give the same bits.
    /// </summary>
    public static double SquaredNorm(ReadOnlySpan<float> values)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(values[i..]), out var a, out var b);
                low += a * a;
                high += b * b;
            }
            sum = Vector.Sum(low + high);
        }
        for (; i < values.Length; i++) sum += (double)values[i] * values[i];
        return sum;
    }

    /// <summary>Keras's <c>_clip_by_norm</c> of one variable: <c>g · c / max(‖g‖, c)</c>, elementwise as written.</summary>
    public static void ClipByNorm(ReadOnlySpan<float> gradient, float clipNorm, float divisor, Span<float> clipped)
    {
        System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, clipNorm, clipped);
        System.Numerics.Tensors.TensorPrimitives.Divide(clipped, divisor, clipped);
    }

    /// <summary>max(‖g‖, c): the divisor of <see cref="ClipByNorm"/>, from Σ g² of the variable.</summary>
    public static float NormDivisor(double squaredNorm, float clipNorm) => MathF.Max((float)Math.Sqrt(squaredNorm), clipNorm);

    /// <summary>Keras's <c>clip_by_global_norm</c> factor: <c>c · min(1/‖g‖, 1/c)</c> over every variable's Σ g².</summary>
    public static float GlobalScale(double squaredNorm, float clipNorm)
    {
        double norm = Math.Sqrt(squaredNorm);
        return (float)(clipNorm * Math.Min(1.0 / norm, 1.0 / clipNorm));
    }

    /// <summary>
    /// Keras's <c>_apply_weight_decay</c>: <c>w ← w − w·wd·lr</c>, each product rounded as written. Every
    /// operation is IEEE single precision (never fused), so vector lanes and the scalar tail agree.
    /// </summary>
    public static void DecayWeights(Span<float> weights, float weightDecay, float learningRate)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= weights.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var w = new Vector<float>(weights[i..]);
                (w - w * weightDecay * learningRate).CopyTo(weights[i..]);
            }
        for (; i < weights.Length; i++) weights[i] -= weights[i] * weightDecay * learningRate;
    }
}
