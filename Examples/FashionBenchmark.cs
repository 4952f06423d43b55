using System.Diagnostics;
using NetDsl.Runtime;

namespace NetDsl.Examples;

/// <summary>
/// The fashion-* workloads, as the TorchSharp peer (bench/TorchPeer) runs them: train for a number of
/// epochs (PEER_EPOCHS, default 5), then report seconds per epoch, milliseconds per step and test accuracy.
/// BENCH_SEED (default 0) seeds the initial weights, the shuffles and the dropout masks; the peer reads it too,
/// so bench/accuracy.sh can run both sides over several seeds.
/// </summary>
internal static class FashionBenchmark
{
    public static readonly string[] Workloads = ["fashion-784-128-10", "fashion-784-128-10-b256", "fashion-784-512-512-10-dropout"];

    public static void Run(string workload, string? dataDirectory)
    {
        var (train, test, _) = FashionData.Load(dataDirectory, quiet: true);
        int epochs = int.TryParse(Environment.GetEnvironmentVariable("PEER_EPOCHS"), out int e) ? e : 5;
        var targets = train.OneHotTargets();
        var testTargets = test.OneHotTargets();
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SEED"), out int s) ? s : 0;
        var options = new TrainOptions { Epochs = epochs, Seed = seed };
        (INetworkModel net, TrainOptions settings) = workload switch
        {
            "fashion-784-128-10" => ((INetworkModel)new FashionMlp(seed: seed), options with { BatchSize = 32, Optimizer = new Adam(1e-3f) }),
            "fashion-784-128-10-b256" => (new FashionMlp(seed: seed), options with { BatchSize = 256, Optimizer = new Adam(1e-3f) }),
            "fashion-784-512-512-10-dropout" => (new FashionDeep(seed: seed), options with { BatchSize = 128, Optimizer = new RmsProp(1e-3f) }),
            _ => throw new ArgumentException($"Unknown workload '{workload}'; expected one of: {string.Join(", ", Workloads)}."),
        };
        var watch = Stopwatch.StartNew();
        TrainingLoop.Fit(net, train.Features, targets, settings);
        double seconds = watch.Elapsed.TotalSeconds;
        long steps = (long)epochs * ((train.Count + settings.BatchSize - 1) / settings.BatchSize);
        var result = Evaluation.Evaluate(net, test.Features, testTargets);
        Json.Emit(workload, "epoch_s", seconds / epochs);
        // The training rate as the issue tracker counts it: 6 FLOPs per weight per example (forward, input
        // gradient, weight gradient), to set beside the machine's matrix-product rate (gemm-*).
        long weights = net.Layers!.Sum(layer => layer.ParameterCount > 0 ? (long)layer.Units * layer.Inputs : 0);
        Json.Emit(workload, "gflops", 6.0 * weights * train.Count / (seconds / epochs) / 1e9);
        Json.Emit(workload, "train_step_ms", seconds / steps * 1e3);
        Json.Emit(workload, $"test_acc_after_{epochs}_epochs", result.Accuracy ?? 0);
    }
}
