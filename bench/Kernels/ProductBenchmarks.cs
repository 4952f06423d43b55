using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using NetDsl.Runtime;
using NetDsl.Simd;

namespace NetDsl.Bench.Kernels;

/// <summary>
/// One matrix product of the kernels on one path: abt C[m×n] = A[m×k]·B[n×k]ᵀ + bias (<c>MultiplyTransposed</c>,
/// a dense layer forward), atb C[m×n] = A[k×m]ᵀ·B[k×n] (<c>TransposedMultiply</c>, its weight gradient),
/// ab C[m×n] = A[m×k]·B[k×n] (<c>Multiply</c>, its input gradient). The shapes are those of the gemm-*
/// workloads of <c>Examples -- bench</c>: 1024³, and each fashion weight shape at batches 32, 128 and 256.
/// </summary>
[Config(typeof(Config))]
public class ProductBenchmarks
{
    private float[] _a = [], _b = [], _bias = [], _c = [];

    public record Case(string Form, int M, int N, int K, string Path)
    {
        internal SimdWidth Width => Path.Split('/')[0] switch
        {
            "512" => SimdWidth.Vector512,
            "256" => SimdWidth.Vector256,
            "128" => SimdWidth.Vector128,
            _ => SimdWidth.Scalar,
        };

        internal KernelBlocking Blocking => Path.EndsWith("/small", StringComparison.Ordinal) ? KernelBlocking.Small : KernelBlocking.Large;

        public double Flops => 2.0 * M * N * K;

        public override string ToString() => $"{Form}-{M}x{N}x{K} {Path}";
    }

    /// <summary>KERNELS_ONLY: run only the cases whose name ("abt-32x128x784 512/large") contains it.</summary>
    private static string Only => Environment.GetEnvironmentVariable("KERNELS_ONLY") ?? "";

    public static IEnumerable<Case> Cases()
    {
        var shapes = new List<(string, int, int, int)>();
        foreach (string form in new[] { "abt", "atb", "ab" })
            shapes.Add((form, 1024, 1024, 1024));
        foreach (var (units, fanIn) in new[] { (128, 784), (512, 784), (512, 512) })
        {
            foreach (int batch in new[] { 32, 128, 256 })
            {
                shapes.Add(("abt", batch, units, fanIn));
                shapes.Add(("atb", units, fanIn, batch));
                shapes.Add(("ab", batch, fanIn, units));
            }
        }

        foreach (var (form, m, n, k) in shapes)
        {
            foreach (string path in new[] { "512/large", "256/small", "256/large", "128/small", "scalar" })
            {
                var c = new Case(form, m, n, k, path);
                // The scalar fallback only on the smallest batch: at a few GFLOP/s the large shapes take minutes.
                if (c.Width == SimdWidth.Scalar && (m == 1024 || Math.Min(m, k) > 32))
                    continue;
                if (Lanes.IsHardwareAccelerated(c.Width) && c.ToString().Contains(Only, StringComparison.Ordinal))
                    yield return c;
            }
        }
    }

    [ParamsSource(nameof(Cases))]
    public Case Product { get; set; } = new("abt", 1, 1, 1, "scalar");

    [GlobalSetup]
    public void Setup()
    {
        var (_, m, n, k, _) = Product;
        var random = new Random(1);
        _a = Fill(m * k);
        _b = Fill(n * k);
        _bias = Fill(n);
        _c = new float[m * n];

        float[] Fill(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
    }

    [Benchmark]
    public void Run()
    {
        var p = Product;
        switch (p.Form)
        {
            case "abt": Runtime.Kernels.MultiplyTransposed(p.Width, p.Blocking, _a, _b, _bias, _c, p.M, p.N, p.K); break;
            case "atb": Runtime.Kernels.TransposedMultiply(p.Width, p.Blocking, _a, _b, _c, p.M, p.N, p.K); break;
            default: Runtime.Kernels.Multiply(p.Width, p.Blocking, _a, _b, _c, p.M, p.N, p.K); break;
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Short runs in this process: about 100 cases; the machine may be shared, so compare paths and shapes within one run.
            AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(150))
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new GflopsColumn());
            WithOptions(ConfigOptions.DisableLogFile);
            WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
        }
    }

    /// <summary>GFLOP/s from the mean time: 2·m·n·k floating-point operations a call.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPS";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2·m·n·k / mean time, in 10⁹ a second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics || benchmarkCase.Parameters["Product"] is not Case product)
                return "-";
            return (product.Flops / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
