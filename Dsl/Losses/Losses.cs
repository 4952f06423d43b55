using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace NetDsl.Runtime;

/// <summary>
/// The losses, each returning <c>scale · Σ loss</c> and writing its gradient (times <c>scale</c>)
/// unless the gradient span is empty. The caller picks <c>scale</c> to reduce as Keras does:
/// 1 / (rows · outputs) for the elementwise losses, 1 / rows for categorical cross-entropy.
/// The cross-entropies take logits and are fused with their output activation, so
/// <c>δ = ŷ − y</c> and no logarithm of zero is ever taken.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Losses
{
    /// <summary>
    /// <c>L = scale · Σ (ŷ − y)²</c>; <c>∂L/∂ŷ = 2·scale·(ŷ − y)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    public static float MeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        double sum = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            float error = predictions[i] - targets[i];
            sum += error * error;
            if (!gradient.IsEmpty) gradient[i] = 2f * scale * error;
        }
        return (float)(sum * scale);
    }

    /// <summary>
    /// Sigmoid and binary cross-entropy together, from logits z:
    /// <c>L = scale · Σ max(z, 0) − z·y + log(1 + e^−|z|)</c>; <c>δ = scale · (σ(z) − y)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, float scale, Span<float> delta)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float z = logits[i], y = targets[i];
            // t = e^−|z| ∈ (0, 1] never overflows; it gives both the loss and σ(z).
            float t = MathF.Exp(-MathF.Abs(z));
            sum += MathF.Max(z, 0f) - z * y + Log1P(t);
            if (!delta.IsEmpty) delta[i] = scale * ((z >= 0f ? 1f : t) / (1f + t) - y);
        }
        return (float)(sum * scale);
    }

    /// <summary>
    /// <c>log(1 + t)</c> to full float precision for small t as well (Goldberg's correction: the rounding
    /// of <c>1 + t</c> is divided back out). Plain <c>log(1 + t)</c> drops most of a small t's digits, so a
    /// confident prediction's loss would come out wrong in its leading digits, or as 0 beyond |z| ≈ 17.
    /// </summary>
    private static float Log1P(float t)
    {
        float u = 1f + t;
        return u == 1f ? t : MathF.Log(u) * (t / (u - 1f));
    }

    /// <summary>
    /// Softmax and categorical cross-entropy together, per row of <paramref name="classes"/> logits:
    /// <c>L = scale · Σ_rows Σᵢ yᵢ·(logΣⱼe^zⱼ − zᵢ)</c>; <c>δ = scale · (softmax(z) − y)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    public static float CategoricalCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, float scale, Span<float> delta)
    {
        double sum = 0;
        for (int row = 0; row + classes <= logits.Length; row += classes)
        {
            ReadOnlySpan<float> z = logits.Slice(row, classes);
            ReadOnlySpan<float> y = targets.Slice(row, classes);
            // log Σ e^z from the maximum, so no exponent overflows: Σ e^(z − max) = 1 + (the other terms),
            // and log(1 + others) in double keeps the tiny loss of a confident prediction that float
            // would round to 0. The exponentials are kept in δ for softmax(z) = e^(z − max) / (1 + others).
            float max = TensorPrimitives.Max(z);
            int top = z.IndexOf(max);
            float others = 0f;
            for (int i = 0; i < classes; i++)
            {
                float e = MathF.Exp(z[i] - max);
                if (i != top) others += e;
                if (!delta.IsEmpty) delta[row + i] = e;
            }
            double logSumExp = Math.Log(1.0 + others); // relative to max
            float inverseSum = 1f / (1f + others);
            for (int i = 0; i < classes; i++)
            {
                if (y[i] != 0f) sum -= y[i] * ((double)z[i] - max - logSumExp);
                if (!delta.IsEmpty) delta[row + i] = scale * (delta[row + i] * inverseSum - y[i]);
            }
        }
        return (float)(sum * scale);
    }

    /// <summary>
    /// Computes <paramref name="loss"/> from the values the network hands the loss (logits for the
    /// cross-entropies, activations for mean squared error).
    /// </summary>
    public static float Compute(Loss loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int width, float scale, Span<float> delta) => loss switch
    {
        Loss.MeanSquaredError => MeanSquaredError(outputs, targets, scale, delta),
        Loss.BinaryCrossEntropy => BinaryCrossEntropyWithLogits(outputs, targets, scale, delta),
        Loss.CategoricalCrossEntropy => CategoricalCrossEntropyWithLogits(outputs, targets, width, scale, delta),
        _ => throw Undefined(loss),
    };

    /// <summary>The scale that turns a sum into Keras's mean: per element, or per row for categorical cross-entropy.</summary>
    public static float MeanScale(Loss loss, int rows, int width) => loss switch
    {
        Loss.MeanSquaredError or Loss.BinaryCrossEntropy => 1f / ((float)rows * width),
        Loss.CategoricalCrossEntropy => 1f / rows,
        _ => throw Undefined(loss),
    };

    // Every switch over Loss ends here, so a value cast from an integer never takes another loss's branch.
    internal static ArgumentOutOfRangeException Undefined(Loss loss) =>
        new(nameof(loss), loss, $"Not a defined Loss; expected one of: {string.Join(", ", Enum.GetNames<Loss>())}.");
}
