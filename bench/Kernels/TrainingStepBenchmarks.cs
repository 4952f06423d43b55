using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace NetDsl.Bench.Kernels;

/// <summary>
/// One training step of the fashion networks on one thread (<c>Trainer</c>, maxDegreeOfParallelism 1): the
/// products, the activations, the loss, the shard reduction and the optimizer's update with its checks. Batch 1
/// shows the step's cost apart from the products (almost all bookkeeping and the optimizer's pass).
/// Run with <c>--filter *TrainingStep*</c>.
/// </summary>
[Config(typeof(Config))]
public class TrainingStepBenchmarks
{
    [Params("784-128-10 b1", "784-128-10 b32", "784-128-10 b256", "784-512-512-10 b128")]
    public string Workload { get; set; } = "784-128-10 b32";

    private Trainer? _trainer;
    private float[] _x = [], _y = [];
    private ulong _seed;

    [GlobalSetup]
    public void Setup()
    {
        int batch = int.Parse(Workload.Split(" b")[1]);
        INetworkModel network = Workload.StartsWith("784-128-10 ", StringComparison.Ordinal) ? new Mlp(0) : new Deep(0);
        var random = new Random(1);
        _x = new float[batch * 784];
        for (int i = 0; i < _x.Length; i++) _x[i] = (float)random.NextDouble();
        _y = new float[batch * 10];
        for (int r = 0; r < batch; r++) _y[r * 10 + r % 10] = 1;
        Optimizer optimizer = network is Mlp ? new Adam(1e-3f) : new RmsProp(1e-3f);
        _trainer = new Trainer(network, optimizer, maxBatchSize: batch, maxDegreeOfParallelism: 1);
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer?.Dispose();

    [Benchmark]
    public float Step() => _trainer!.Step(_x, _y, _seed++);

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(7).WithIterationTime(TimeInterval.FromMilliseconds(200))
                .WithToolchain(InProcessEmitToolchain.Instance));
    }
}

/// <summary>The Keras tutorial's Fashion-MNIST MLP, as Examples' FashionMlp.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class Mlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>Examples' FashionDeep: two 512-unit ReLU layers, each followed by dropout 0.2.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class Deep
{
    [Dense(512, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dropout(0.2)] public partial Layer Drop1 { get; }
    [Dense(512, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dropout(0.2)] public partial Layer Drop2 { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}
