using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDsl.Simd;

namespace NetDsl.Runtime;

/// <summary>
/// The activations and their derivatives, over spans, as the generated code calls them.
/// Derivatives are written in terms of the activation's output <c>a</c>, which is what a layer keeps.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary><c>a = σ(z)</c>, elementwise; an element gets the same bits in a span of any length (see <see cref="ShortSpan"/>).</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a)
    {
        if (z.Length >= ShortSpan)
            TensorPrimitives.Sigmoid(z, a);
        else
            Padded(z, a, static (x, y) => TensorPrimitives.Sigmoid(x, y));
    }

    /// <summary><c>a = tanh(z)</c>, elementwise; an element gets the same bits in a span of any length (see <see cref="ShortSpan"/>).</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a)
    {
        if (z.Length >= ShortSpan)
            TensorPrimitives.Tanh(z, a);
        else
            Padded(z, a, static (x, y) => TensorPrimitives.Tanh(x, y));
    }

    /// <summary>
    /// TensorPrimitives computes a span this short one float at a time, with the scalar e^x, and a longer one in
    /// vectors, with its own e^x, whose last bits differ (about half the time); its vector widths agree, so an element
    /// gets the same bits anywhere in a longer span. So a one-row Predict (one output) and the same row in a batch
    /// would differ: shorter spans run padded to this many floats instead, so every element takes the vectors.
    /// </summary>
    private static int ShortSpan => Vector128<float>.Count;

    private static void Padded(ReadOnlySpan<float> z, Span<float> a, SpanAction apply)
    {
        Span<float> buffer = stackalloc float[2 * Vector128<float>.Count];
        Span<float> input = buffer[..Vector128<float>.Count], output = buffer[Vector128<float>.Count..];
        input.Clear();
        z.CopyTo(input);
        apply(input, output);
        output[..z.Length].CopyTo(a);
    }

    private delegate void SpanAction(ReadOnlySpan<float> input, Span<float> output);

    /// <summary><c>a = max(0, z)</c>, elementwise.</summary>
    public static void Relu(ReadOnlySpan<float> z, Span<float> a) => TensorPrimitives.Max(z, 0f, a);

    /// <summary><c>aᵢ = e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z)</c> for each row of <paramref name="width"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int length = z.Length / width * width;
        // Subtracting the row's maximum keeps every exponent ≤ 0: no overflow.
        for (int row = 0; row < length; row += width)
            TensorPrimitives.Subtract(z.Slice(row, width), TensorPrimitives.Max(z.Slice(row, width)), a.Slice(row, width));
        // All the rows' exponentials in one pass (a batch of narrow rows, ten classes, spent most of its time in a
        // call per row); padded as Sigmoid is, an element gets the same bits alone as in a batch.
        if (length >= ShortSpan)
            TensorPrimitives.Exp(a[..length], a[..length]);
        else
            Padded(a[..length], a[..length], static (x, y) => TensorPrimitives.Exp(x, y));
        for (int row = 0; row < length; row += width)
            TensorPrimitives.Divide(a.Slice(row, width), TensorPrimitives.Sum(a.Slice(row, width)), a.Slice(row, width));
    }

    /// <summary><c>δ ← δ ⊙ σ'(z) = δ ⊙ a ⊙ (1 − a)</c>, multiplied left to right.</summary>
    /// <exception cref="ArgumentException"><paramref name="delta"/> is shorter than <paramref name="a"/>.</exception>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        RequireDeltaFor(a, delta);
        Lanes.Run(new SigmoidDerivative(a, delta), a.Length);
    }

    /// <summary><c>δ ← δ ⊙ tanh'(z) = δ ⊙ (1 − a²)</c></summary>
    /// <exception cref="ArgumentException"><paramref name="delta"/> is shorter than <paramref name="a"/>.</exception>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        RequireDeltaFor(a, delta);
        Lanes.Run(new TanhDerivative(a, delta), a.Length);
    }

    /// <summary><c>δ ← δ ⊙ relu'(z) = δ where a &gt; 0, else 0</c></summary>
    /// <exception cref="ArgumentException"><paramref name="delta"/> is shorter than <paramref name="a"/>.</exception>
    public static void ReluBackward(ReadOnlySpan<float> a, Span<float> delta)
    {
        RequireDeltaFor(a, delta);
        Lanes.Run(new ReluDerivative(a, delta), a.Length);
    }

    private static void RequireDeltaFor(ReadOnlySpan<float> a, Span<float> delta)
    {
        if (delta.Length < a.Length)
            throw new ArgumentException($"Span 'delta' is too short: expected at least {a.Length} elements, one per activation, but its length is {delta.Length}.", nameof(delta));
    }

    // The derivatives run on every vector width the machine has, then a scalar tail; each element
    // goes through the same IEEE operations in any of them, so where it lands changes no bit.

    private readonly ref struct SigmoidDerivative(ReadOnlySpan<float> a, Span<float> delta) : IElementwise
    {
        private readonly ReadOnlySpan<float> a = a;
        private readonly Span<float> delta = delta;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(nuint i) where T : struct, ILanes<T>
        {
            T ai = T.Load(a, i);
            (T.Load(delta, i) * ai * (T.Broadcast(1f) - ai)).Store(delta, i);
        }
    }

    private readonly ref struct TanhDerivative(ReadOnlySpan<float> a, Span<float> delta) : IElementwise
    {
        private readonly ReadOnlySpan<float> a = a;
        private readonly Span<float> delta = delta;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(nuint i) where T : struct, ILanes<T>
        {
            T ai = T.Load(a, i);
            (T.Load(delta, i) * (T.Broadcast(1f) - ai * ai)).Store(delta, i);
        }
    }

    private readonly ref struct ReluDerivative(ReadOnlySpan<float> a, Span<float> delta) : IElementwise
    {
        private readonly ReadOnlySpan<float> a = a;
        private readonly Span<float> delta = delta;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(nuint i) where T : struct, ILanes<T> =>
            T.WherePositive(T.Load(a, i), T.Load(delta, i)).Store(delta, i);
    }

    /// <summary>
    /// The softmax Jacobian applied to a gradient, row by row:
    /// <c>δᵢ ← aᵢ·(δᵢ − Σⱼ δⱼ·aⱼ)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
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
