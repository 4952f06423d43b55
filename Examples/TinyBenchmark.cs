using System.Diagnostics;

namespace NetDsl.Examples;

/// <summary>
/// The tiny-2-3-1 workload: PassFail, SGD 0.1, one sample a step, and single-sample inference —
/// the same work as the TorchSharp peer's <c>tiny</c>.
/// </summary>
internal static class TinyBenchmark
{
    public static void Run()
    {
        var net = new PassFail(seed: 0);
        float[] x = [4f, 5f], y = [1f];
        using var trainer = new Trainer(net, new Sgd(0.1f), maxBatchSize: 1);
        double step = MicrosecondsPerCall(() => trainer.Step(x, y), seconds: 2);
        var output = new float[1];
        double infer = MicrosecondsPerCall(() => net.Predict(x, output), seconds: 1);
        Json.Emit("tiny-2-3-1", "train_step_us", step);
        Json.Emit("tiny-2-3-1", "infer_us", infer);
    }

    /// <summary>Calls <paramref name="action"/> in batches of 1000 until <paramref name="seconds"/> pass.</summary>
    private static double MicrosecondsPerCall(Action action, double seconds)
    {
        for (int i = 0; i < 100_000; i++) action(); // warm up and let tiered JIT settle
        long calls = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 1000; i++) action();
            calls += 1000;
        }
        return watch.Elapsed.TotalSeconds * 1e6 / calls;
    }
}
