using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// The activations and their derivatives, over spans, as the generated code calls them.
/// Derivatives are written in terms of the activation's output <c>a</c>, which is what a layer keeps.
/// </summary>
public static class Activations
{
    /// <summary><c>a = σ(z)</c>, elementwise.</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Sigmoid(z, a);

    /// <summary><c>a = tanh(z)</c>, elementwise.</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Tanh(z, a);

    /// <summary><c>a = max(0, z)</c>, elementwise.</summary>
    public static void ReLU(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Max(z, 0f, a);

    /// <summary><c>aᵢ = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z)</c> for each row of <paramref name="width"/> values.</summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a, int width)
    {
        for (int row = 0; row + width <= z.Length; row += width)
        {
            ReadOnlySpan<float> zr = z.Slice(row, width);
            Span<float> ar = a.Slice(row, width);
            // Subtracting the row's maximum keeps every exponent ≤ 0: no overflow.
            TensorPrimitives.Subtract(zr, TensorPrimitives.Max(zr), ar);
            TensorPrimitives.Exp(ar, ar);
            TensorPrimitives.Divide(ar, TensorPrimitives.Sum(ar), ar);
        }
    }

    /// <summary><c>δ ← δ ⊙ σ'(z) = δ ⊙ a ⊙ (1 − a)</c></summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var av = new Vector<float>(a.Slice(i));
                (new Vector<float>(delta.Slice(i)) * av * (Vector<float>.One - av)).CopyTo(delta.Slice(i));
            }
        for (; i < a.Length; i++) delta[i] *= a[i] * (1f - a[i]);
    }

    /// <summary><c>δ ← δ ⊙ tanh'(z) = δ ⊙ (1 − a²)</c></summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var av = new Vector<float>(a.Slice(i));
                (new Vector<float>(delta.Slice(i)) * (Vector<float>.One - av * av)).CopyTo(delta.Slice(i));
            }
        for (; i < a.Length; i++) delta[i] *= 1f - a[i] * a[i];
    }

    /// <summary><c>δ ← δ ⊙ relu'(z) = δ where a &gt; 0, else 0</c></summary>
    public static void ReLUBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var keep = Vector.GreaterThan(new Vector<float>(a.Slice(i)), Vector<float>.Zero);
                Vector.ConditionalSelect(keep, new Vector<float>(delta.Slice(i)), Vector<float>.Zero).CopyTo(delta.Slice(i));
            }
        for (; i < a.Length; i++) if (!(a[i] > 0f)) delta[i] = 0f;
    }

    /// <summary>
    /// The softmax Jacobian applied to a gradient, row by row:
    /// <c>δᵢ ← aᵢ·(δᵢ − Σⱼ δⱼ·aⱼ)</c>.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> delta, int width)
    {
        for (int row = 0; row + width <= a.Length; row += width)
        {
            ReadOnlySpan<float> ar = a.Slice(row, width);
            Span<float> dr = delta.Slice(row, width);
            float dot = TensorPrimitives.Dot(dr, ar);
            TensorPrimitives.Subtract(dr, dot, dr);
            TensorPrimitives.Multiply(dr, ar, dr);
        }
    }
}
