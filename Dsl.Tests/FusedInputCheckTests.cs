using CsCheck;
using NetDsl.Runtime;
using NetDsl.Simd;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// A batched Predict's inputs, checked finite by the first layer's product (<see cref="FusedInputCheck"/>): the
/// product answers exactly for the inputs asked about and keeps its bits; a non-finite input is refused by its row
/// and column on every path through Predict, even where ReLU would hide it; finite inputs whose sums overflow are not.
/// </summary>
public sealed unsafe class FusedInputCheckTests
{
    private static readonly (SimdWidth Width, KernelBlocking Blocking)[] PackedPaths =
    [
        (SimdWidth.Vector512, KernelBlocking.Large), (SimdWidth.Vector512, KernelBlocking.Small),
        (SimdWidth.Vector256, KernelBlocking.Large), (SimdWidth.Vector256, KernelBlocking.Small),
        (SimdWidth.Vector128, KernelBlocking.Large), (SimdWidth.Vector128, KernelBlocking.Small),
    ];

    [Fact]
    public void A_packed_product_asked_about_its_A_answers_whether_it_is_finite_and_keeps_its_bits()
    {
        var available = PackedPaths.Where(p => Lanes.IsHardwareAccelerated(p.Width)).ToArray();
        if (available.Length == 0)
            Assert.Skip("No SIMD width is accelerated here: no packed product to ask.");
        // Shapes the packed product takes without flipping (m·(k + n) ≥ n·k), a non-finite value anywhere or none.
        var shapes = Gen.Select(Gen.Int[32, 90], Gen.Int[32, 70], Gen.Int[1, 300]).Where((m, n, k) => (long)m * (k + n) >= (long)n * k);
        Gen.Select(shapes, Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 1000]).Sample((shape, bad, relu, seed) =>
        {
            var (m, n, k) = shape;
            var random = new Random(seed);
            float[] a = Values(random, m * k), b = Values(random, n * k), bias = Values(random, n);
            if (bad > 0)
                a[random.Next(a.Length)] = bad switch { 1 => float.NaN, 2 => float.PositiveInfinity, _ => float.NegativeInfinity };
            foreach (var (width, blocking) in available)
            {
                float[] plain = new float[m * n], asked = new float[m * n];
                Kernels.MultiplyTransposed(width, blocking, a, b, bias, plain, m, n, k, relu);
                FusedInputCheck.Verdict verdict;
                fixed (float* inputs = a)
                {
                    FusedInputCheck.Begin(inputs, a.Length);
                    Kernels.MultiplyTransposed(width, blocking, a, b, bias, asked, m, n, k, relu);
                    verdict = FusedInputCheck.End();
                }
                var expected = bad > 0 ? FusedInputCheck.Verdict.NotFinite : FusedInputCheck.Verdict.Finite;
                Assert.True(verdict == expected, $"{width}/{blocking}, {m}×{n}×{k}, bad {bad}, relu {relu}: {verdict}, expected {expected}.");
                Assert.True(plain.AsSpan().SequenceEqual(asked), $"{width}/{blocking}, {m}×{n}×{k}: asking changed the product's bits.");
            }
        }, iter: 200);
    }

    [Fact]
    public void A_product_on_other_floats_or_one_that_packs_its_A_does_not_answer()
    {
        var random = new Random(3);
        int m = 40, n = 33, k = 70;
        float[] a = Values(random, m * k), b = Values(random, n * k), c = new float[m * n];
        fixed (float* inputs = a)
        {
            // The same floats but one row fewer: not the inputs asked about.
            FusedInputCheck.Begin(inputs, a.Length);
            Kernels.MultiplyTransposed(a.AsSpan(0, (m - 1) * k), b, [], c, m - 1, n, k);
            Assert.Equal(FusedInputCheck.Verdict.Unchecked, FusedInputCheck.End());
            // Asked about, but flipped (32 rows of a wide layer): A is packed, not read in place, so it is not checked.
            float[] wide = Values(random, 200 * k);
            FusedInputCheck.Begin(inputs, 32 * k);
            Kernels.MultiplyTransposed(a.AsSpan(0, 32 * k), wide, [], new float[32 * 200], 32, 200, k);
            Assert.Equal(FusedInputCheck.Verdict.Unchecked, FusedInputCheck.End());
            // The one asked about answers, once: the next product on the same floats is not asked.
            FusedInputCheck.Begin(inputs, a.Length);
            Kernels.MultiplyTransposed(a, b, [], c, m, n, k);
            a[5] = float.NaN;
            Kernels.MultiplyTransposed(a, b, [], c, m, n, k);
            var verdict = FusedInputCheck.End();
            Assert.Equal(Lanes.IsHardwareAccelerated(SimdWidth.Vector128) ? FusedInputCheck.Verdict.Finite : FusedInputCheck.Verdict.Unchecked, verdict);
        }
    }

    [Fact]
    public void Predict_names_the_first_non_finite_input_of_a_batch_of_any_size_on_one_thread_or_across_the_cores()
    {
        // From 2 rows (dot products, checked apart) through the packed products (checked by them) to several chunks.
        var net = new WideClassifier(seed: 2);
        int width = WideClassifier.InputSize;
        Gen.Select(Gen.Int[2, 3 * BatchInference.SerialChunkRows / 2], Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 1000]).Sample((rows, kind, oneThread, seed) =>
        {
            var random = new Random(seed);
            float[] x = Values(random, rows * width);
            float bad = kind switch { 1 => float.NaN, 2 => float.PositiveInfinity, _ => float.NegativeInfinity };
            int at = random.Next(x.Length);
            x[at] = bad;
            // A second one later in the batch: the first is named.
            if (at + 1 < x.Length)
                x[at + 1 + random.Next(x.Length - at - 1)] = float.NaN;
            var e = Assert.Throws<ArgumentException>(() => WithThreads(oneThread, () => net.Predict(x, new float[rows * WideClassifier.OutputSize])));
            Assert.Equal("inputs", e.ParamName);
            Assert.Contains($"Expected finite inputs, but row {at / width}, column {at % width} is {bad}.", e.Message);
        }, iter: 60);
    }

    [Fact]
    public void Predict_refuses_an_infinity_that_the_first_layers_ReLU_would_hide()
    {
        // Every unit of the first layer weighs column 11 negatively: +∞ there makes each sum −∞, which ReLU turns into 0,
        // so the outputs would be finite. The check adds up the sums before the bias and the ReLU.
        var net = new WideRelu(seed: 4);
        int width = WideRelu.InputSize, units = net.Hidden.Units;
        for (int unit = 0; unit < units; unit++)
            net.Parameters[unit * width + 11] = -0.5f - unit * 0.01f;
        int rows = 64;
        float[] x = Values(new Random(5), rows * width);
        x[37 * width + 11] = float.PositiveInfinity;
        foreach (bool oneThread in new[] { true, false })
        {
            var e = Assert.Throws<ArgumentException>(() => WithThreads(oneThread, () => net.Predict(x, new float[rows * WideRelu.OutputSize])));
            Assert.Contains($"Expected finite inputs, but row 37, column 11 is {float.PositiveInfinity}.", e.Message);
        }
    }

    [Fact]
    public void Finite_inputs_whose_sums_overflow_are_not_refused()
    {
        // Inputs near float's largest, weights of 1: every first-layer sum overflows to +∞, yet each input is finite.
        var net = new WideRelu(seed: 6);
        int width = WideRelu.InputSize, units = net.Hidden.Units;
        net.Parameters[..(units * width)].Fill(1f);
        int rows = 64;
        float[] x = new float[rows * width];
        x.AsSpan().Fill(float.MaxValue / 4);
        var outputs = new float[rows * WideRelu.OutputSize];
        net.Predict(x, outputs); // no exception: the exact check finds every input finite
        Assert.Contains(outputs, float.IsNaN); // the sums did overflow: ∞ − ∞ in the softmax
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static void WithThreads(bool oneThread, Action action)
    {
        int before = BatchInference.MaxDegreeOfParallelism;
        try
        {
            BatchInference.MaxDegreeOfParallelism = oneThread ? 1 : -1;
            action();
        }
        finally
        {
            BatchInference.MaxDegreeOfParallelism = before;
        }
    }
}

/// <summary>A ReLU first layer wide enough for the packed products: 40 inputs, 48 units.</summary>
[Network(Inputs = 40, Loss = Loss.CategoricalCrossEntropy)]
public partial class WideRelu
{
    [Dense(48, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}
