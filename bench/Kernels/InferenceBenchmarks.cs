using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using NetDsl.Runtime;

namespace NetDsl.Bench.Kernels;

/// <summary>
/// Where a one-row Predict of the 784-128-10 network (Examples' FashionMlp) spends its time: the whole call, then
/// each step it takes on its own (the finiteness check of the 784 inputs, the hidden layer's 1×128×784 product with
/// its bias, the ReLU, the output layer's 1×10×128 product, the softmax); and a 256-row Predict on one thread.
/// Then the floor under any one-row product of float weights: one pass over the hidden layer's 400 KB of weights
/// (they stay in L2 between calls), summed alone and multiplied by the input as a dot product must, both from copies
/// aligned to 64 bytes (the network's own arrays lie where the GC puts them).
/// Run with <c>--filter *Inference*</c>.
/// </summary>
[Config(typeof(Config))]
public class InferenceBenchmarks
{
    private readonly Mlp _net = new(0);
    private ArraySegment<float> _alignedWeights, _alignedInput;
    private float[] _x = [], _x256 = [], _hidden = new float[128], _logits = new float[10], _out = new float[10], _out256 = new float[2560];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0);
        _x256 = new float[256 * 784];
        for (int i = 0; i < _x256.Length; i++) _x256[i] = (float)random.NextDouble();
        _x = _x256[..784];
        BatchInference.MaxDegreeOfParallelism = 1;
        _alignedWeights = WeightsRead.AlignedCopy(_net.Parameters[..100352]);
        _alignedInput = WeightsRead.AlignedCopy(_x);
    }

    [Benchmark(Baseline = true)]
    public void PredictOneRow() => _net.Predict(_x, _out);

    [Benchmark]
    public void FiniteCheck() => DataChecks.Finite(_x, 784, "inputs");

    [Benchmark]
    public void HiddenProduct()
    {
        ReadOnlySpan<float> p = _net.Parameters;
        Runtime.Kernels.MultiplyTransposed(_x, p[..100352], p.Slice(100352, 128), _hidden, 1, 128, 784);
    }

    [Benchmark]
    public void Relu() => Activations.Relu(_hidden, _hidden);

    [Benchmark]
    public void OutputProduct()
    {
        ReadOnlySpan<float> p = _net.Parameters;
        Runtime.Kernels.MultiplyTransposed(_hidden, p.Slice(100480, 1280), p.Slice(101760, 10), _logits, 1, 10, 128);
    }

    [Benchmark]
    public void Softmax() => Activations.Softmax(_logits, _out, 10);

    [Benchmark]
    public void Predict256Rows() => _net.Predict(_x256, _out256);

    /// <summary>One sequential pass over (an aligned copy of) the hidden layer's weights, the widest vectors, eight sums in flight.</summary>
    [Benchmark]
    public float ReadHiddenWeights() => WeightsRead.Sum(_alignedWeights);

    /// <summary>The same pass, each vector multiplied by the input's vector at its column as a dot product does.</summary>
    [Benchmark]
    public float ReadHiddenWeightsTimesInputs() => WeightsRead.Dot(_alignedWeights, _alignedInput);

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(9).WithIterationTime(TimeInterval.FromMilliseconds(200))
                .WithToolchain(InProcessEmitToolchain.Instance));
    }
}
