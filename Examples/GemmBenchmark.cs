using System.Runtime.Intrinsics;
using NetDsl.Runtime;

namespace NetDsl.Examples;

/// <summary>
/// The gemm-* workloads: the matrix products the fashion workloads run, and a square 1024, one thread, through
/// the public kernels (the path this machine picks), in GFLOP/s. The TorchSharp peer runs the same list through
/// libtorch's sgemm. Forms: abt C[m×n] = A[m×k]·B[n×k]ᵀ (<see cref="Kernels.MultiplyTransposed"/>, a dense
/// layer forward), atb C[m×n] = A[k×m]ᵀ·B[k×n] (<see cref="Kernels.TransposedMultiply"/>, its weight gradient),
/// ab C[m×n] = A[m×k]·B[k×n] (<see cref="Kernels.Multiply"/>, its input gradient).
/// </summary>
internal static class GemmBenchmark
{
    /// <summary>1024³ in each form, then each fashion weight shape (units × fan-in) at batches 32, 128 and 256.</summary>
    public static IEnumerable<(string Form, int M, int N, int K)> Shapes()
    {
        foreach (string form in new[] { "abt", "atb", "ab" })
            yield return (form, 1024, 1024, 1024);
        foreach (var (units, fanIn) in new[] { (128, 784), (512, 784), (512, 512) })
        {
            foreach (int batch in new[] { 32, 128, 256 })
            {
                yield return ("abt", batch, units, fanIn);
                yield return ("atb", units, fanIn, batch);
                yield return ("ab", batch, fanIn, units);
            }
        }
    }

    public static string Name((string Form, int M, int N, int K) shape) => $"gemm-{shape.Form}-{shape.M}x{shape.N}x{shape.K}";

    public static IEnumerable<string> Workloads => Shapes().Select(Name);

    /// <summary>The widest vectors the kernels run here, for the record next to the numbers.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32;

    public static void Run(string? only = null)
    {
        Json.Emit("gemm", "vector_bits", VectorBits);
        foreach (var shape in Shapes())
        {
            if (only is not null && Name(shape) != only)
                continue;
            var (form, m, n, k) = shape;
            var random = new Random(1);
            float[] a = Fill(m * k), b = Fill(n * k), bias = Fill(n), c = new float[m * n];
            Action product = form switch
            {
                "abt" => () => Kernels.MultiplyTransposed(a, b, bias, c, m, n, k),
                "atb" => () => Kernels.TransposedMultiply(a, b, c, m, n, k),
                _ => () => Kernels.Multiply(a, b, c, m, n, k),
            };
            double seconds = Math.Clamp(2e-10 * m * n * k, 0.2, 1.0);
            Json.Emit(Name(shape), "gflops", 2.0 * m * n * k / SecondsPerCall(product, seconds) / 1e9);

            float[] Fill(int length)
            {
                var values = new float[length];
                for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
                return values;
            }
        }
    }

    /// <summary>
    /// Warms up (caches, the first call's JIT), then calls <paramref name="action"/> until <paramref name="seconds"/>
    /// of this thread's CPU time pass: on a shared machine the time the thread waits for a core is not counted.
    /// </summary>
    private static double SecondsPerCall(Action action, double seconds)
    {
        for (int i = 0; i < 3; i++) action();
        double start = ThreadClock.Seconds();
        long calls = 0;
        double elapsed;
        do
        {
            action();
            calls++;
            elapsed = ThreadClock.Seconds() - start;
        }
        while (elapsed < seconds);
        return elapsed / calls;
    }
}
