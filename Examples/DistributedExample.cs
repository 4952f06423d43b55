using System.Security.Cryptography;
using System.Runtime.InteropServices;
using NetDsl.Mpi;

namespace NetDsl.Examples;

/// <summary>
/// Trains <see cref="FashionMlp"/> on every process of an MPI job — <c>mpirun -np 4 dotnet Examples.dll distributed</c>
/// — or alone when started plainly, and prints a hash of the trained parameters: the same for any process count.
/// </summary>
internal static class DistributedExample
{
    public static void Run(string? dataDirectory, int epochs, int? rows, bool allReduce, TimeSpan? timeout, FaultPlan? fault)
    {
        using var started = Mpi.Mpi.Start(allReduce ? GradientSum.AllReduce : GradientSum.Ordered, timeout);
        ICommunicator world = fault is null ? started : new FaultyWorld(started, fault);
        bool root = world.Rank == 0;
        var (train, test, _) = FashionData.Load(dataDirectory, quiet: !root);
        if (root) Console.WriteLine($"{world.Size} process{(world.Size == 1 ? "" : "es")}; MPI: {started.LibraryVersion}; sum: {world.GradientSum}");
        CheckNullReferencesStillThrow();

        int count = Math.Min(rows ?? train.Count, train.Count);
        var net = new FashionMlp(seed: 1); // every process starts from the same weights
        var history = net.Fit(train.Features.AsSpan(0, count * train.FeatureSize), train.OneHotTargets().AsSpan(0, count * train.Classes), new TrainOptions
        {
            Epochs = epochs,
            BatchSize = 128,
            Optimizer = new Adam(1e-3f),
            Seed = 1,
            ValidationSplit = 0.1f,
            Progress = new ProgressBar(),  // only rank 0 reports
            Distributed = world,
        });
        if (!root) return;
        var result = net.Evaluate(test.Features, test.OneHotTargets());
        Console.WriteLine($"test_accuracy {result.Accuracy:0.0000} after {history.Epochs.Count} epochs");
        Console.WriteLine($"parameters {Hash(net.Parameters)}");
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the parameters' bits.</summary>
    public static string Hash(ReadOnlySpan<float> parameters) => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(parameters)))[..16];

    // The .NET runtime turns SIGSEGV into NullReferenceException; an MPI transport that took the signal over
    // (UCX does, unless UCX_ERROR_SIGNALS is empty when it loads) would kill the process here instead.
    private static void CheckNullReferencesStillThrow()
    {
        object? nothing = Environment.GetEnvironmentVariable("NETDSL_NO_SUCH_VARIABLE");
        try
        {
            _ = nothing!.GetHashCode();
        }
        catch (NullReferenceException)
        {
            return;
        }
        throw new InvalidOperationException("A null dereference did not throw NullReferenceException.");
    }
}
