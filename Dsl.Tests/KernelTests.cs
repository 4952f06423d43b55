using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using CsCheck;
using NetDsl.Simd;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// The matrix kernels, against naive double-precision references: every width the hardware has, each with
/// both register blockings (whatever this machine's own), the scalar fallback and the public dispatch.
/// </summary>
public class KernelTests
{
    private delegate void MultiplyTransposedFn(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k);
    private delegate void ProductFn(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k);
    private delegate void SumRowsFn(ReadOnlySpan<float> a, Span<float> sums, int m, int n);

    /// <summary>
    /// "public" is the dispatching API; "512/large" … "128/small" force a width and its register blocks
    /// (large: the 16-accumulator blocks of 32-register machines; small: the 8-accumulator blocks of
    /// 16-register ones, x64 without AVX-512) whatever this machine would pick; "scalar" is the fallback.
    /// </summary>
    private static readonly string[] AllPaths = ["public", "512/large", "512/small", "256/large", "256/small", "128/large", "128/small", "scalar"];

    /// <summary>SumRows has one blocking: its paths are the widths.</summary>
    private static readonly string[] SumRowsPaths = ["public", "512", "256", "128", "scalar"];

    public static TheoryData<string> Paths => new(AllPaths);

    public static TheoryData<string> SumRowsPathData => new(SumRowsPaths);

    /// <summary>Edge-heavy sizes: below, at and just past the vector widths and the 4-wide register blocks.</summary>
    private static readonly int[] Dims = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 129];

    /// <summary>Row counts, including zero rows.</summary>
    private static readonly int[] Rows = [0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 33];

    /// <summary>The width and blocking a path names; null for "public".</summary>
    private static (SimdWidth Width, KernelBlocking Blocking)? Parse(string path)
    {
        if (path == "public")
            return null;
        string[] parts = path.Split('/');
        SimdWidth width = parts[0] switch
        {
            "512" => SimdWidth.Vector512,
            "256" => SimdWidth.Vector256,
            "128" => SimdWidth.Vector128,
            "scalar" => SimdWidth.Scalar,
            _ => throw new ArgumentException($"unknown path {path}", nameof(path)),
        };
        var blocking = parts.Length > 1 && parts[1] == "small" ? KernelBlocking.Small : KernelBlocking.Large;
        return (width, blocking);
    }

    private static bool Available(string path) => Parse(path) is not { } p || Lanes.IsHardwareAccelerated(p.Width);

    /// <summary>Reports the test as skipped, naming what this machine lacks, when the path's width is not accelerated here.</summary>
    private static void SkipUnlessAvailable(string path)
    {
        if (Parse(path) is { } p)
            Hardware.SkipUnlessAccelerated(p.Width);
    }

    private static MultiplyTransposedFn MultiplyTransposedPath(string path) => Parse(path) is { } p
        ? (a, b, bias, c, m, n, k) => Kernels.MultiplyTransposed(p.Width, p.Blocking, a, b, bias, c, m, n, k)
        : Kernels.MultiplyTransposed;

    private static ProductFn TransposedMultiplyPath(string path) => Parse(path) is { } p
        ? (a, b, c, m, n, k) => Kernels.TransposedMultiply(p.Width, p.Blocking, a, b, c, m, n, k)
        : Kernels.TransposedMultiply;

    private static ProductFn MultiplyPath(string path) => Parse(path) is { } p
        ? (a, b, c, m, n, k) => Kernels.Multiply(p.Width, p.Blocking, a, b, c, m, n, k)
        : Kernels.Multiply;

    private static SumRowsFn SumRowsPath(string path) => Parse(path) is { } p
        ? (a, sums, m, n) => Kernels.SumRows(p.Width, a, sums, m, n)
        : Kernels.SumRows;

    // ---- References in double precision, with the magnitude Σ|term| that bounds a float sum's rounding error. ----

    /// <summary>Σ_p x[xStart + p·xStride] · y[yStart + p·yStride] + offset, and Σ|term|.</summary>
    private static (double Value, double Magnitude) Dot(float[] x, int xStart, int xStride, float[] y, int yStart, int yStride, int count, double offset = 0)
    {
        double sum = offset, magnitude = Math.Abs(offset);
        for (int p = 0; p < count; p++)
        {
            double t = (double)x[xStart + p * xStride] * y[yStart + p * yStride];
            sum += t;
            magnitude += Math.Abs(t);
        }

        return (sum, magnitude);
    }

    /// <summary>
    /// A float sum of <paramref name="terms"/> products, in any order, with or without FMA, is within about
    /// terms·2⁻²³·Σ|term| of the exact value; a wrong index or a missed term is off by a whole term.
    /// </summary>
    private static void AssertClose(double expected, double magnitude, int terms, float actual, string shape, string output, int i, int j = -1)
    {
        double tolerance = (terms + 2) * Math.Pow(2, -23) * magnitude + 1e-30;
        // NaN fails the comparison too: the outputs start as NaN, so an element never written is caught here.
        if (!(Math.Abs(actual - expected) <= tolerance))
            Assert.Fail($"{shape} {output}[{i}{(j >= 0 ? $",{j}" : "")}]: expected {expected} ± {tolerance}, got {actual}");
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>An output buffer full of NaN plus a tail of sentinels: catches reads of C and writes past its end.</summary>
    private static float[] Output(int length, int extra = 3)
    {
        var c = new float[length + extra];
        Array.Fill(c, float.NaN, 0, length);
        Array.Fill(c, 12345f, length, extra);
        return c;
    }

    private static void AssertTailUntouched(float[] c, int length, string where)
    {
        for (int i = length; i < c.Length; i++)
            Assert.True(c[i] == 12345f, $"{where}: wrote past the end at {i}");
    }

    // ---- MultiplyTransposed: C = A·Bᵀ + bias ----

    private static void CheckMultiplyTransposed(MultiplyTransposedFn kernel, int m, int n, int k, bool withBias, int seed)
    {
        // Inputs one element longer than needed: longer spans must be accepted and the extra ignored.
        float[] a = Random(m * k + 1, seed), b = Random(n * k + 1, seed + 1), bias = withBias ? Random(n + 1, seed + 2) : [];
        float[] c = Output(m * n);
        kernel(a, b, bias, c, m, n, k);
        string shape = $"m={m} n={n} k={k} bias={withBias}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                var (value, magnitude) = Dot(a, i * k, 1, b, j * k, 1, k, withBias ? bias[j] : 0);
                AssertClose(value, magnitude, k, c[i * n + j], shape, "C", i, j);
            }
        }

        AssertTailUntouched(c, m * n, shape);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MultiplyTransposed_MatchesReference(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = MultiplyTransposedPath(path);
        int seed = 0;
        foreach (int m in Rows)
            foreach (int n in Dims)
                foreach (int k in Dims)
                    CheckMultiplyTransposed(kernel, m, n, k, withBias: (++seed & 1) == 0, seed);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MultiplyTransposed_TypicalLayerSizes(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = MultiplyTransposedPath(path);
        foreach (var (rows, units, fanIn) in new[] { (32, 128, 784), (8, 512, 512), (64, 10, 128), (3, 5, 7) })
        {
            CheckMultiplyTransposed(kernel, rows, units, fanIn, withBias: true, seed: units);
            CheckMultiplyTransposed(kernel, rows, units, fanIn, withBias: false, seed: units);
        }
    }

    [Fact]
    public void MultiplyTransposed_EmptyBiasMeansNoBias()
    {
        float[] a = [1, 2, 3, 4, 5, 6], b = [1, 0, 0, 0, 1, 0];
        var c = new float[4];
        Kernels.MultiplyTransposed(a, b, [], c, 2, 2, 3);
        Assert.Equal([1f, 2f, 4f, 5f], c);
        Kernels.MultiplyTransposed(a, b, [10f, 20f], c, 2, 2, 3);
        Assert.Equal([11f, 22f, 14f, 25f], c);
    }

    // ---- MultiplyTransposedRelu: C = max(0, A·Bᵀ + bias), the ReLU applied as the tiles store C ----

    private static MultiplyTransposedFn MultiplyTransposedReluPath(string path) => Parse(path) is { } p
        ? (a, b, bias, c, m, n, k) => Kernels.MultiplyTransposed(p.Width, p.Blocking, a, b, bias, c, m, n, k, relu: true)
        : Kernels.MultiplyTransposedRelu;

    [Theory]
    [MemberData(nameof(Paths))]
    public void MultiplyTransposedRelu_GivesTheBitsOfTheProductThenRelu(string path)
    {
        // Packed and dot-product shapes, columns short of a vector (33, 65, 129), depths of one and of several blocks.
        SkipUnlessAvailable(path);
        var fused = MultiplyTransposedReluPath(path);
        var plain = MultiplyTransposedPath(path);
        int seed = 0;
        foreach (int m in new[] { 0, 1, 3, 5, 31, 32, 33, 70 })
            foreach (int n in new[] { 1, 10, 16, 33, 65, 129 })
                foreach (int k in new[] { 1, 17, 128, 300 })
                    foreach (bool withBias in new[] { true, false })
                    {
                        float[] a = Random(m * k, ++seed), b = Random(n * k, seed + 1000), bias = withBias ? Random(n, seed + 2000) : [];
                        float[] expected = Output(m * n), actual = Output(m * n);
                        plain(a, b, bias, expected, m, n, k);
                        Activations.Relu(expected.AsSpan(0, m * n), expected.AsSpan(0, m * n));
                        fused(a, b, bias, actual, m, n, k);
                        string shape = $"m={m} n={n} k={k} bias={withBias}";
                        for (int i = 0; i < m * n; i++)
                            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                                Assert.Fail($"{shape} C[{i / n},{i % n}]: expected {expected[i]:R} (the product, then ReLU), got {actual[i]:R}");
                        AssertTailUntouched(actual, m * n, shape);
                    }
    }

    // ---- TransposedMultiply: C = Aᵀ·B ----

    private static void CheckTransposedMultiply(ProductFn kernel, int m, int n, int k, int seed)
    {
        float[] a = Random(k * m + 1, seed), b = Random(k * n + 1, seed + 1);
        float[] c = Output(m * n);
        kernel(a, b, c, m, n, k);
        string shape = $"m={m} n={n} k={k}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                var (value, magnitude) = Dot(a, i, m, b, j, n, k);
                AssertClose(value, magnitude, k, c[i * n + j], shape, "C", i, j);
            }
        }

        AssertTailUntouched(c, m * n, shape);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TransposedMultiply_MatchesReference(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = TransposedMultiplyPath(path);
        int seed = 0;
        // Here the batch rows are k, and zero of them gives C = 0.
        foreach (int k in Rows)
            foreach (int m in Dims)
                foreach (int n in Dims)
                    CheckTransposedMultiply(kernel, m, n, k, ++seed);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TransposedMultiply_TypicalLayerSizes(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = TransposedMultiplyPath(path);
        foreach (var (units, fanIn, rows) in new[] { (128, 784, 32), (512, 512, 8), (10, 128, 64), (3, 5, 7) })
            CheckTransposedMultiply(kernel, units, fanIn, rows, seed: units);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TransposedMultiply_GivesTheBitsOfMultiplyOnTheTransposedA(string path)
    {
        // Both sum each element c = a·b + c in p order: Aᵀ read as a transposed matrix (δᵀ of a layer of m units, its
        // steps m floats apart, copied compact first when that is a multiple of 4 KB) or as rows must agree to the bit.
        SkipUnlessAvailable(path);
        if (path == "scalar") return; // the scalar fallback forms each sum apart and is checked against the reference above
        foreach (var (m, n, k) in new[] { (1024, 37, 70), (2048, 20, 9), (1000, 37, 70), (1024, 300, 200) })
        {
            float[] a = Random(k * m, m + n), b = Random(k * n, k), at = new float[m * k];
            for (int p = 0; p < k; p++)
                for (int i = 0; i < m; i++)
                    at[i * k + p] = a[p * m + i];
            float[] transposed = new float[m * n], rows = new float[m * n];
            TransposedMultiplyPath(path)(a, b, transposed, m, n, k);
            MultiplyPath(path)(at, b, rows, m, n, k);
            Assert.True(rows.AsSpan().SequenceEqual(transposed), $"m={m} n={n} k={k}: Aᵀ·B differs from (Aᵀ as rows)·B");
        }
    }

    // ---- Multiply: C = A·B ----

    private static void CheckMultiply(ProductFn kernel, int m, int n, int k, int seed)
    {
        float[] a = Random(m * k + 1, seed), b = Random(k * n + 1, seed + 1);
        float[] c = Output(m * n);
        kernel(a, b, c, m, n, k);
        string shape = $"m={m} n={n} k={k}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                var (value, magnitude) = Dot(a, i * k, 1, b, j, n, k);
                AssertClose(value, magnitude, k, c[i * n + j], shape, "C", i, j);
            }
        }

        AssertTailUntouched(c, m * n, shape);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Multiply_MatchesReference(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = MultiplyPath(path);
        int seed = 0;
        foreach (int m in Rows)
            foreach (int n in Dims)
                foreach (int k in Dims)
                    CheckMultiply(kernel, m, n, k, ++seed);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Multiply_TypicalLayerSizes(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = MultiplyPath(path);
        foreach (var (rows, fanIn, units) in new[] { (32, 784, 128), (32, 512, 512), (64, 128, 10), (3, 5, 7) })
            CheckMultiply(kernel, rows, fanIn, units, seed: units);
    }

    // ---- SumRows: sums = Σ_r A[r, ·] ----

    private static void CheckSumRows(SumRowsFn kernel, int m, int n, int seed)
    {
        float[] a = Random(m * n + 1, seed), ones = new float[Math.Max(m, 1)];
        Array.Fill(ones, 1f);
        float[] sums = Output(n);
        kernel(a, sums, m, n);
        string shape = $"m={m} n={n}";
        for (int j = 0; j < n; j++)
        {
            var (value, magnitude) = Dot(a, j, n, ones, 0, 1, m);
            AssertClose(value, magnitude, m, sums[j], shape, "sums", j);
        }

        AssertTailUntouched(sums, n, shape);
    }

    [Theory]
    [MemberData(nameof(SumRowsPathData))]
    public void SumRows_MatchesReference(string path)
    {
        SkipUnlessAvailable(path);
        var kernel = SumRowsPath(path);
        int seed = 0;
        foreach (int m in Rows.Concat([64, 65, 100]))
            foreach (int n in Dims.Concat([128, 512, 784]))
                CheckSumRows(kernel, m, n, ++seed);
    }

    // ---- Random shapes ----

    [Fact]
    public void AllKernels_RandomShapes()
    {
        Gen.Select(Gen.Int[0, 70], Gen.Int[1, 70], Gen.Int[1, 70], Gen.Int[0, 1000]).Sample((m, n, k, seed) =>
        {
            foreach (string path in AllPaths.Where(Available))
            {
                CheckMultiplyTransposed(MultiplyTransposedPath(path), m, n, k, withBias: seed % 2 == 0, seed);
                CheckTransposedMultiply(TransposedMultiplyPath(path), n, k, m, seed);
                CheckMultiply(MultiplyPath(path), m, n, k, seed);
                CheckSumRows(SumRowsPath(path), m, n, seed);
            }
        }, iter: 200);
    }

    // ---- Determinism: a fixed summation order gives the same bits every time. ----

    [Theory]
    [MemberData(nameof(Paths))]
    public void AllKernels_AreDeterministic(string path)
    {
        SkipUnlessAvailable(path);
        const int m = 17, n = 129, k = 65;
        float[] a = Random(m * k, 1), b = Random(n * k, 2), bias = Random(n, 3), bt = Random(m * n, 4);
        for (int run = 0; run < 2; run++)
        {
            float[] c1 = new float[m * n], c2 = new float[m * n];
            MultiplyTransposedPath(path)(a, b, bias, c1, m, n, k);
            MultiplyTransposedPath(path)(a, b, bias, c2, m, n, k);
            Assert.Equal(c1, c2);

            float[] t1 = new float[k * n], t2 = new float[k * n];
            TransposedMultiplyPath(path)(a, bt, t1, k, n, m);
            TransposedMultiplyPath(path)(a, bt, t2, k, n, m);
            Assert.Equal(t1, t2);

            float[] p1 = new float[m * k], p2 = new float[m * k];
            MultiplyPath(path)(bt, b, p1, m, k, n);
            MultiplyPath(path)(bt, b, p2, m, k, n);
            Assert.Equal(p1, p2);

            float[] s1 = new float[n], s2 = new float[n];
            SumRowsPath(path)(bt, s1, m, n);
            SumRowsPath(path)(bt, s2, m, n);
            Assert.Equal(s1, s2);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RowProducts_DoNotDependOnHowTheBatchIsSplit(string path)
    {
        SkipUnlessAvailable(path);
        // Each output row is summed the same way whatever the other rows, so shards of a batch give the same bits as
        // the whole: Multiply at any row count, MultiplyTransposed on either side of its packing threshold (small
        // calls take dot products along k, calls of PackedFrom rows or more the packed product).
        const int n = 37, k = 70;
        int large = Kernels.PackedFrom;
        AssertShardsMatchWhole(path, m: 11, n, k, sizes: [1, 2, 3, 4, 5]);
        AssertShardsMatchWhole(path, m: 3 * large + 7, n: large + 5, k, sizes: [large, large + 1, large + 6]);
        // And on either side of the flip: a call of fewer rows than about n·k / (n + k) (here 90) computes Cᵀ = B·Aᵀ,
        // packing its rows rather than B; the whole batch does not.
        AssertShardsMatchWhole(path, m: 4 * large + 60, n: 129, k: 300, sizes: [large, large + 1, large + 6, 89]);
    }

    [Fact]
    public void PackedProducts_GiveTheSameBitsOnEveryWidthAndBlocking()
    {
        // Every element summed c = a·b + c in p order, whatever the tiles: the vector paths agree to the bit
        // (the scalar fallback rounds a·b and the sum apart, and differs).
        int m = Kernels.PackedFrom + 9, n = 75, k = 300;
        float[] a = Random(m * k, 1), b = Random(n * k, 2), bias = Random(n, 3), at = Random(k * m, 4), bk = Random(k * n, 5);
        float[]? expected = null;
        foreach (string path in AllPaths.Where(p => p != "scalar" && Available(p)))
        {
            float[] abt = new float[m * n], atb = new float[m * n], ab = new float[m * n];
            MultiplyTransposedPath(path)(a, b, bias, abt, m, n, k);
            TransposedMultiplyPath(path)(at, bk, atb, m, n, k);
            MultiplyPath(path)(a, bk, ab, m, n, k);
            float[] all = [.. abt, .. atb, .. ab];
            if (expected is null) expected = all;
            else Assert.True(expected.AsSpan().SequenceEqual(all), $"{path} differs from {AllPaths.First(Available)}");
        }
    }

    private static void AssertShardsMatchWhole(string path, int m, int n, int k, int[] sizes)
    {
        float[] a = Random(m * k, 1), w = Random(n * k, 2), bias = Random(n, 3);
        float[] whole = new float[m * n], wholeProduct = new float[m * k];
        MultiplyTransposedPath(path)(a, w, bias, whole, m, n, k);
        MultiplyPath(path)(whole, w, wholeProduct, m, k, n);
        for (int start = 0, shard = 0; start < m; start += sizes[shard++])
        {
            int rows = Math.Min(sizes[shard], m - start);
            var part = new float[rows * n];
            MultiplyTransposedPath(path)(a.AsSpan(start * k, rows * k), w, bias, part, rows, n, k);
            Assert.Equal(whole.AsSpan(start * n, rows * n).ToArray(), part);
            var partProduct = new float[rows * k];
            MultiplyPath(path)(whole.AsSpan(start * n, rows * n), w, partProduct, rows, k, n);
            Assert.Equal(wholeProduct.AsSpan(start * k, rows * k).ToArray(), partProduct);
        }
    }

    [Fact]
    public void AllKernels_GiveTheSameBitsBeforeAndAfterTheJitOptimisesThem()
    {
        // The first calls run unoptimised code; repeated calls get the optimised code (tier 1) a little later.
        const int m = 9, n = 37, k = 70;
        float[] a = Random(m * k, 1), w = Random(n * k, 2), bias = Random(n, 3);
        float[] first = Run();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 500)
            Assert.Equal(first, Run());

        float[] Run()
        {
            float[] z = new float[m * n], dx = new float[m * k], dw = new float[n * k], db = new float[n];
            Kernels.MultiplyTransposed(a, w, bias, z, m, n, k);
            Kernels.Multiply(z, w, dx, m, k, n);
            Kernels.TransposedMultiply(z, a, dw, n, k, m);
            Kernels.SumRows(z, db, m, n);
            return [.. z, .. dx, .. dw, .. db];
        }
    }

    [Fact]
    public void PublicKernels_TakeTheWidestWidthTheSizeFills_WithThisMachinesBlocks()
    {
        // The public entry points are the internal ones with the path this machine picks: same bits.
        foreach (var (m, n, k) in new[] { (9, 37, 70), (5, 3, 17), (4, 16, 3), (17, 129, 8), (3, 2, 1) })
        {
            float[] a = Random(Math.Max(m * k, m * n) + 8, m), b = Random(n * k + 8, n), bias = Random(n, k);
            float[] expected = new float[m * n], actual = new float[m * n];
            Kernels.MultiplyTransposed(Lanes.WidestFor(k), Kernels.MachineBlocking, a, b, bias, expected, m, n, k);
            Kernels.MultiplyTransposed(a, b, bias, actual, m, n, k);
            Assert.Equal(expected, actual);
            Kernels.TransposedMultiply(Lanes.WidestFor(n), Kernels.MachineBlocking, a, b, expected, m, n, k);
            Kernels.TransposedMultiply(a, b, actual, m, n, k);
            Assert.Equal(expected, actual);
            Kernels.Multiply(Lanes.WidestFor(n), Kernels.MachineBlocking, a, b, expected, m, n, k);
            Kernels.Multiply(a, b, actual, m, n, k);
            Assert.Equal(expected, actual);
            Kernels.SumRows(Lanes.WidestFor(n), a, expected, m, n);
            Kernels.SumRows(a, actual, m, n);
            Assert.Equal(expected.AsSpan(0, n).ToArray(), actual.AsSpan(0, n).ToArray());
        }

        Assert.Equal(Avx512F.IsSupported || AdvSimd.Arm64.IsSupported ? KernelBlocking.Large : KernelBlocking.Small, Kernels.MachineBlocking);
    }

    // ---- Zero rows ----

    [Fact]
    public void ZeroRows_LeaveProductsAlone_AndGiveZeroSums()
    {
        float[] w = Random(5 * 7, 1), c = Output(0, extra: 4);
        Kernels.MultiplyTransposed([], w, [], c, 0, 5, 7);
        Kernels.Multiply([], w, c, 0, 7, 5);
        AssertTailUntouched(c, 0, "zero rows");

        // dW = δᵀ·x and db = Σ δ over no rows are empty sums: zero.
        float[] dw = Output(5 * 7, extra: 0), db = Output(5, extra: 0);
        Kernels.TransposedMultiply([], [], dw, 5, 7, 0);
        Kernels.SumRows([], db, 0, 5);
        Assert.All(dw, x => Assert.Equal(0f, x));
        Assert.All(db, x => Assert.Equal(0f, x));
    }

    // ---- Argument validation ----

    private static void AssertTooShort(Action call, string name, int expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"expected at least {expected}", e.Message);
    }

    [Fact]
    public void MultiplyTransposed_RejectsShortSpans()
    {
        const int m = 3, n = 5, k = 7;
        float[] a = new float[m * k], b = new float[n * k], bias = new float[n], c = new float[m * n];
        AssertTooShort(() => Kernels.MultiplyTransposed(a.AsSpan(1), b, bias, c, m, n, k), "a", m * k);
        AssertTooShort(() => Kernels.MultiplyTransposed(a, b.AsSpan(1), bias, c, m, n, k), "b", n * k);
        AssertTooShort(() => Kernels.MultiplyTransposed(a, b, bias.AsSpan(1), c, m, n, k), "bias", n);
        AssertTooShort(() => Kernels.MultiplyTransposed(a, b, bias, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.MultiplyTransposed(SimdWidth.Vector512, KernelBlocking.Large, a, b, bias, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.MultiplyTransposed(SimdWidth.Scalar, KernelBlocking.Large, a.AsSpan(1), b, bias, c, m, n, k), "a", m * k);
    }

    [Fact]
    public void TransposedMultiply_RejectsShortSpans()
    {
        const int m = 3, n = 5, k = 7;
        float[] a = new float[k * m], b = new float[k * n], c = new float[m * n];
        AssertTooShort(() => Kernels.TransposedMultiply(a.AsSpan(1), b, c, m, n, k), "a", k * m);
        AssertTooShort(() => Kernels.TransposedMultiply(a, b.AsSpan(1), c, m, n, k), "b", k * n);
        AssertTooShort(() => Kernels.TransposedMultiply(a, b, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.TransposedMultiply(SimdWidth.Vector256, KernelBlocking.Small, a, b, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.TransposedMultiply(SimdWidth.Scalar, KernelBlocking.Small, a.AsSpan(1), b, c, m, n, k), "a", k * m);
    }

    [Fact]
    public void Multiply_RejectsShortSpans()
    {
        const int m = 3, n = 5, k = 7;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        AssertTooShort(() => Kernels.Multiply(a.AsSpan(1), b, c, m, n, k), "a", m * k);
        AssertTooShort(() => Kernels.Multiply(a, b.AsSpan(1), c, m, n, k), "b", k * n);
        AssertTooShort(() => Kernels.Multiply(a, b, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.Multiply(SimdWidth.Vector128, KernelBlocking.Large, a, b, c.AsSpan(1), m, n, k), "c", m * n);
        AssertTooShort(() => Kernels.Multiply(SimdWidth.Scalar, KernelBlocking.Small, a.AsSpan(1), b, c, m, n, k), "a", m * k);
    }

    [Fact]
    public void SumRows_RejectsShortSpans()
    {
        const int m = 3, n = 5;
        float[] a = new float[m * n], sums = new float[n];
        AssertTooShort(() => Kernels.SumRows(a.AsSpan(1), sums, m, n), "a", m * n);
        AssertTooShort(() => Kernels.SumRows(a, sums.AsSpan(1), m, n), "sums", n);
        AssertTooShort(() => Kernels.SumRows(SimdWidth.Scalar, a, sums.AsSpan(1), m, n), "sums", n);
    }

    [Fact]
    public void InternalEntries_RejectAnUnknownPath()
    {
        float[] x = new float[16], y = new float[16], z = new float[16];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MultiplyTransposed((SimdWidth)3, KernelBlocking.Large, x, y, [], z, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.TransposedMultiply((SimdWidth)3, KernelBlocking.Large, x, y, z, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Multiply((SimdWidth)3, KernelBlocking.Large, x, y, z, 2, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SumRows((SimdWidth)3, x, z, 2, 2));
    }

    [Fact]
    public void Kernels_RejectBadDimensions()
    {
        float[] x = new float[100], y = new float[100], z = new float[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MultiplyTransposed(x, y, [], z, -1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MultiplyTransposed(x, y, [], z, 2, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MultiplyTransposed(x, y, [], z, 2, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.TransposedMultiply(x, y, z, 0, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.TransposedMultiply(x, y, z, 2, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.TransposedMultiply(x, y, z, 2, 2, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Multiply(x, y, z, -1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Multiply(x, y, z, 2, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Multiply(x, y, z, 2, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SumRows(x, z, -1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.SumRows(x, z, 2, 0));
    }

    [Fact]
    public void Kernels_RejectOutputOverlappingInput()
    {
        // m = n = 2, k = 4: A and B are 8 floats, C is 4; each C below starts inside the input it must not overlap.
        float[] buffer = new float[64];
        Assert.Throws<ArgumentException>(() => Kernels.MultiplyTransposed(buffer, buffer.AsSpan(32), [], buffer.AsSpan(6), 2, 2, 4));
        Assert.Throws<ArgumentException>(() => Kernels.MultiplyTransposed(buffer, buffer.AsSpan(32), [], buffer.AsSpan(38), 2, 2, 4));
        Assert.Throws<ArgumentException>(() => Kernels.MultiplyTransposed(buffer, buffer.AsSpan(32), buffer.AsSpan(50), buffer.AsSpan(49), 2, 2, 4));
        Assert.Throws<ArgumentException>(() => Kernels.TransposedMultiply(buffer, buffer.AsSpan(32), buffer.AsSpan(36), 2, 2, 4));
        Assert.Throws<ArgumentException>(() => Kernels.Multiply(buffer, buffer.AsSpan(32), buffer.AsSpan(4), 2, 2, 4));
        Assert.Throws<ArgumentException>(() => Kernels.SumRows(buffer, buffer.AsSpan(4), 2, 4));
    }
}
