// The ONNX Runtime peer (CPU provider): the infer-* workloads of `Examples -- bench`, on the same
// network with the same weights, exported by NetDsl.Onnx. Prints one JSON object per line:
// {"workload":..., "metric":..., "value":...}, and on stderr which ONNX Runtime and SIMD ran.
//   bench/onnxruntime.sh infer|all|infer-784-128-10-b1|infer-784-128-10-b256
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;
using NetDsl;
using NetDsl.Onnx;

string which = args.Length > 0 ? args[0] : "all";
string[] workloads = which switch
{
    "infer" or "all" => ["infer-784-128-10-b1", "infer-784-128-10-b256"],
    "infer-784-128-10-b1" or "infer-784-128-10-b256" => [which],
    // The other workloads are the TorchSharp peer's: nothing to run here.
    "tiny" or "fashion" => [],
    _ => throw new ArgumentException($"Unknown workload '{which}': infer, all, infer-784-128-10-b1 or infer-784-128-10-b256."),
};

var net = new FashionMlp(seed: 0);
byte[] model = net.ToOnnxBytes();
// MLAS, ONNX Runtime's CPU kernels, picks its widest kernels by CPUID, as .NET does.
int simdBits = Avx512F.IsSupported ? 512 : Avx2.IsSupported ? 256 : 128;
Console.Error.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, CPU provider; widest SIMD here: {(simdBits == 512 ? "AVX-512" : simdBits == 256 ? "AVX2" : "128-bit")}; {Environment.ProcessorCount} cores");

foreach (string workload in workloads)
{
    int rows = workload.EndsWith("-b1", StringComparison.Ordinal) ? 1 : 256;
    float[] inputs = Pixels(rows, seed: 0);
    float[] expected = new float[rows * 10];
    for (int r = 0; r < rows; r++) net.Predict(inputs.AsSpan(r * 784, 784), expected.AsSpan(r * 10, 10));

    foreach (var (metric, threads) in new[] { ("batch_us_one_thread", 1), ("batch_us_all_cores", Environment.ProcessorCount) })
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(model, options);
        var outputs = new float[rows * 10];
        // Tensors over the caller's arrays, made once: each Run only computes, as a tuned caller's would.
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, [rows, 784]);
        using var output = OrtValue.CreateTensorValueFromMemory(outputs, [rows, 10]);
        using var run = new RunOptions();
        string[] inputNames = ["input"], outputNames = ["output"];
        OrtValue[] inputValues = [input], outputValues = [output];
        void Batch() => session.Run(run, inputNames, inputValues, outputNames, outputValues);

        Batch();
        for (int i = 0; i < outputs.Length; i++)
            if (Math.Abs(outputs[i] - expected[i]) > 1e-5f)
                throw new InvalidOperationException($"ONNX Runtime's output {i} is {outputs[i]}, Predict's {expected[i]}: not the same network.");
        Emit(workload, metric, MicrosecondsPerBatch(Batch));
    }
    Emit(workload, "simd_bits", simdBits);
}

static void Emit(string workload, string metric, double value) =>
    Console.WriteLine($"{{\"workload\":\"{workload}\",\"metric\":\"{metric}\",\"value\":{value.ToString("G6", CultureInfo.InvariantCulture)}}}");

// Pixel values in [0, 1) drawn from a seed, as Examples' InferBenchmark draws them.
static float[] Pixels(int rows, int seed)
{
    var random = new Random(seed);
    var pixels = new float[rows * 784];
    for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
    return pixels;
}

// Microseconds per call, timed as Examples' InferBenchmark times them: a second of warm-up, then
// the median of seven quarter-second rounds.
static double MicrosecondsPerBatch(Action batch)
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

/// <summary>Examples' FashionMlp: 784 pixels → 128 ReLU → 10 classes; seed 0 gives both sides the same weights.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
internal sealed partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}
