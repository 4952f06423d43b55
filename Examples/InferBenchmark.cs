using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace NetDsl.Examples;

/// <summary>
/// The infer-784-128-10-* workloads: FashionMlp (784 → 128 ReLU → 10 softmax, seed 0) predicting a
/// batch of 1 or 256 rows, in microseconds per batch, on one thread and on all cores — the same work
/// as the ONNX Runtime peer (bench/OnnxPeer) times on the same network, exported.
/// </summary>
internal static class InferBenchmark
{
    public static readonly string[] Workloads = ["infer-784-128-10-b1", "infer-784-128-10-b256"];

    public static void Run(string workload)
    {
        int rows = workload switch
        {
            "infer-784-128-10-b1" => 1,
            "infer-784-128-10-b256" => 256,
            _ => throw new ArgumentException($"Unknown workload '{workload}'; expected one of: {string.Join(", ", Workloads)}."),
        };
        var net = new FashionMlp(seed: 0);
        float[] inputs = Pixels(rows, seed: 0);
        var outputs = new float[rows * FashionMlp.OutputSize];
        Json.Emit(workload, "batch_us_one_thread", MicrosecondsPerBatch(() => PredictBatch(net, inputs, outputs, rows, allCores: false)));
        Json.Emit(workload, "batch_us_all_cores", MicrosecondsPerBatch(() => PredictBatch(net, inputs, outputs, rows, allCores: true)));
        Json.Emit(workload, "simd_bits", SimdBits);
    }

    /// <summary>
    /// The batch through Predict, all its rows in one call: on one thread (the batch's chunks on the caller's
    /// thread), or across the cores (Predict's own pool).
    /// </summary>
    private static void PredictBatch(FashionMlp net, float[] inputs, float[] outputs, int rows, bool allCores)
    {
        NetDsl.Runtime.BatchInference.MaxDegreeOfParallelism = allCores ? -1 : 1;
        net.Predict(inputs.AsSpan(0, rows * FashionMlp.InputSize), outputs.AsSpan(0, rows * FashionMlp.OutputSize));
    }

    /// <summary>The widest vectors .NET accelerates here, which the kernels use: 512, 256 or 128 bits.</summary>
    public static int SimdBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Pixel values in [0, 1) drawn from a seed, as the ONNX Runtime peer draws them.</summary>
    public static float[] Pixels(int rows, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[rows * FashionMlp.InputSize];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        return pixels;
    }

    /// <summary>
    /// Microseconds per call: a second of warm-up (tiered JIT settles), then seven rounds of a
    /// quarter second each; the median round's mean, which a noisy neighbour moves less than the mean.
    /// </summary>
    private static double MicrosecondsPerBatch(Action batch)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < 1.0) batch();
        var rounds = new double[7];
        for (int i = 0; i < rounds.Length; i++)
        {
            long calls = 0;
            watch.Restart();
            while (watch.Elapsed.TotalSeconds < 0.25) { batch(); calls++; }
            rounds[i] = watch.Elapsed.TotalSeconds * 1e6 / calls;
        }
        Array.Sort(rounds);
        return rounds[rounds.Length / 2];
    }
}
