using System.Diagnostics;
using System.Runtime.Intrinsics;
using NetDsl.Mpi;
using NetDsl.Runtime;

namespace NetDsl.Examples;

/// <summary>
/// What summing the gradients across processes costs next to computing them, for 784-512-512-10 (669,706
/// parameters, 2.7 MB of gradient) at batch 128: run plainly, it times a step on one process, then launches
/// itself under <c>mpirun -np 2</c> and <c>-np 4</c>, where each rank times the exchange alone (in shard order,
/// and by MPI_Allreduce) and whole distributed steps. One JSON line per metric, as the other workloads.
/// </summary>
internal static class ExchangeBenchmark
{
    public const string Workload = "exchange-784-512-512-10";
    private const int Batch = 128;

    public static void Run()
    {
        Json.Emit(Workload, "simd_bits", Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32);
        Json.Emit(Workload, "parameters", FashionDeep.ParameterCount);
        Json.Emit(Workload, "cores", Environment.ProcessorCount);
        Json.Emit(Workload, "step_ms_1_process", StepMilliseconds(world: null, Environment.ProcessorCount));
        foreach (int processes in new[] { 2, 4 })
            if (!Launch(processes)) return;
    }

    /// <summary>One rank of <c>mpirun -np N … bench exchange-784-512-512-10</c>: rank 0 prints the job's times.</summary>
    public static void RunRank()
    {
        using var world = Mpi.Mpi.Start(timeout: TimeSpan.FromSeconds(120));
        int size = world.Size;
        double ordered = ExchangeMilliseconds(world);
        double allReduce = AllReduceMilliseconds(world);
        int threads = Math.Max(1, Environment.ProcessorCount / size);
        double step = StepMilliseconds(world, threads);
        if (world.Rank != 0) return;
        Json.Emit(Workload, $"exchange_ordered_ms_{size}_processes", ordered);
        Json.Emit(Workload, $"exchange_allreduce_ms_{size}_processes", allReduce);
        Json.Emit(Workload, $"step_ms_{size}_processes", step);
    }

    // A rank's share of a step's exchange: its shards' gradients summed along the chain and broadcast.
    private static double ExchangeMilliseconds(ICommunicator world)
    {
        int parameters = FashionDeep.ParameterCount, shards = ShardPlan.For(Batch).Count;
        var (_, local) = ShardExchange.LocalShards(shards, world.Rank, world.Size);
        var gradients = Enumerable.Range(0, Math.Max(1, local)).Select(_ => Noise(parameters, world.Rank)).ToArray();
        var passes = new LossAndAccuracy[Math.Max(1, local)];
        var exchange = new ShardExchange(world);
        return Time(world, () => exchange.SumInShardOrder(gradients, passes, local, shards, parameters));
    }

    private static double AllReduceMilliseconds(ICommunicator world)
    {
        var sum = Noise(FashionDeep.ParameterCount, world.Rank);
        return Time(world, () => world.AllReduceSum(sum));
    }

    // Whole steps of 784-512-512-10 (RMSProp, dropout) on random data, the same on every process.
    private static double StepMilliseconds(ICommunicator? world, int threads)
    {
        var random = new Random(7);
        var x = new float[Batch * 784];
        for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        var y = new float[Batch * 10];
        for (int r = 0; r < Batch; r++) y[r * 10 + random.Next(10)] = 1f;
        var net = new FashionDeep(seed: 0);
        var optimizer = new RmsProp(1e-4f);
        using var trainer = new Trainer(net, optimizer.CreateState(net.Parameters.Length), Batch, threads, world);
        ulong seed = 0;
        return Time(world, () => trainer.Step(x, y, seed++));
    }

    // Milliseconds a call, after warm-up: the fastest of 9 rounds of 20 calls, every rank starting each round
    // together. The fastest, not the median: on a shared machine a round is as often slowed by others' work.
    private static double Time(ICommunicator? world, Action call)
    {
        for (int i = 0; i < 10; i++) call();
        double fastest = double.MaxValue;
        for (int round = 0; round < 9; round++)
        {
            (world as MpiWorld)?.Barrier();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 20; i++) call();
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalMilliseconds / 20);
        }
        return fastest;
    }

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble() * 1e-3f;
        return values;
    }

    // mpirun -np N on this host (shared memory), this program's bench for the workload; its lines passed on.
    private static bool Launch(int processes)
    {
        string? mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null)
        {
            Console.Error.WriteLine($"{Workload}: mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev), so only one process was timed.");
            return false;
        }
        var start = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-np", processes.ToString(), "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader",
                     "--mca", "mpi_yield_when_idle", "1", Environment.ProcessPath!])
            start.ArgumentList.Add(argument);
        if (!Environment.ProcessPath!.EndsWith("Examples", StringComparison.Ordinal)) start.ArgumentList.Add(typeof(ExchangeBenchmark).Assembly.Location);
        start.ArgumentList.Add("bench");
        start.ArgumentList.Add(Workload);
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var job = Process.Start(start)!;
        // A rank's console may start with a terminal's escape codes (mpirun gives it a pseudo-terminal).
        while (job.StandardOutput.ReadLine() is { } line)
            if (line.IndexOf("{\"workload\"", StringComparison.Ordinal) is int at and >= 0) Console.WriteLine(line[at..]);
        job.WaitForExit();
        if (job.ExitCode == 0) return true;
        Console.Error.WriteLine($"{Workload}: mpirun -np {processes} exited with {job.ExitCode}.");
        return false;
    }
}
