using System.Runtime.InteropServices;

namespace NetDsl.Mpi;

/// <summary>
/// Starts MPI for data-parallel training: <c>using var world = Mpi.Start();</c>, then
/// <c>net.Fit(x, y, options with { Distributed = world })</c> on every process, launched with
/// <c>mpirun -np 4 dotnet MyApp.dll</c> (or across machines with a hostfile).
/// </summary>
public static partial class Mpi
{
    private static int _started;

    /// <summary>
    /// The processes of this MPI job. Under an MPI launcher (<c>mpirun</c>, <c>mpiexec</c>, <c>srun</c>) it loads the
    /// system's libmpi (Open MPI or MPICH, whichever launched it; <c>NETDSL_MPI_LIBRARY</c> names another) and
    /// initialises it; started plainly, it gives a world of one process without loading MPI, so the same program
    /// runs alone too. Call it once per process, before any training; dispose the world at the end.
    /// </summary>
    /// <param name="gradientSum">
    /// <see cref="GradientSum.Ordered"/> (the default) sums the shards' gradients in shard order: the bits of one
    /// process whatever the process count. <see cref="GradientSum.AllReduce"/> leaves the order to MPI_Allreduce.
    /// </param>
    /// <param name="timeout">
    /// How long any call waits for the other processes before giving up on them and aborting the job (default 20 s):
    /// longer than the slowest step, or rank 0's validation and callbacks at an epoch's end.
    /// </param>
    /// <exception cref="InvalidOperationException">MPI was started before in this process.</exception>
    /// <exception cref="DllNotFoundException">Launched by an MPI launcher, but no MPI library loads.</exception>
    public static MpiWorld Start(GradientSum gradientSum = GradientSum.Ordered, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        if (limit <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), limit, "The time limit must be positive.");
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("MPI can be started once per process: keep the world Mpi.Start gave, and dispose it at the end.");
        if (!LaunchedByMpi()) return new MpiWorld(null, gradientSum, limit);

        // UCX (Open MPI's transport for fast networks) replaces the SIGSEGV handler the .NET runtime turns
        // NullReferenceExceptions with; told to leave the signals alone before it loads, it does. Set in the
        // native environment: .NET's Environment.SetEnvironmentVariable does not reach it on Unix.
        if (Environment.GetEnvironmentVariable("UCX_ERROR_SIGNALS") is null) SetEnv("UCX_ERROR_SIGNALS", "", 0);
        var mpi = MpiLibrary.Load();
        if (!mpi.Initialized()) mpi.InitThread(MpiLibrary.ThreadSerialized);
        return new MpiWorld(mpi, gradientSum, limit);
    }

    /// <summary>Whether an MPI launcher started this process: Open MPI's, MPICH's Hydra, or a PMI/PMIx one (Slurm).</summary>
    public static bool LaunchedByMpi() =>
        Environment.GetEnvironmentVariable("NETDSL_MPI") == "1"
        || new[] { "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS" }.Any(name => Environment.GetEnvironmentVariable(name) is not null);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
