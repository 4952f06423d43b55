using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace NetDsl.Tests.Distributed;

[CollectionDefinition(nameof(MpiJobs), DisableParallelization = true)]
public sealed class MpiJobs;

/// <summary>
/// Real MPI jobs on this machine (shared memory, loopback): the examples program's <c>distributed</c> command under
/// <c>mpirun</c>, on 2 and 3 processes, against the same program run alone. Skipped where no <c>mpirun</c> is installed
/// (.ci/run installs Open MPI). Run alone, not beside other tests: a job's processes need the cores.
/// </summary>
[Collection(nameof(MpiJobs))]
public sealed partial class MpiJobTests
{
    // Few rows and epochs: a job here is about process start-up. The shipped subset, on every machine.
    private static readonly string[] Training = ["distributed", "--epochs", "2", "--rows", "1536", "--data", SubsetFolder()];

    [Fact]
    public void Two_and_three_processes_train_the_bits_of_one_process()
    {
        Mpirun();
        var alone = Launch(processes: null, [.. Training, "--timeout", "60"]);
        string expected = ParametersOf(alone);
        foreach (int processes in new[] { 2, 3 })
        {
            var job = Launch(processes, [.. Training, "--timeout", "60"]);
            Assert.True(job.ExitCode == 0, $"mpirun -np {processes} exited with {job.ExitCode}:\n{job.Error}");
            Assert.Contains($"{processes} processes; MPI: ", job.Output);
            Assert.Equal(expected, ParametersOf(job));
            Assert.Single(ParameterLines().Matches(job.Output)); // rank 0 reports; the others stay quiet
        }
    }

    [Fact]
    public void The_all_reduce_sum_trains_three_processes_that_agree()
    {
        // Their parameters are compared after every epoch: a job whose processes disagree fails.
        var job = Launch(3, [.. Training, "--timeout", "60", "--all-reduce"]);
        Assert.True(job.ExitCode == 0, $"mpirun -np 3 exited with {job.ExitCode}:\n{job.Error}");
        Assert.Contains("sum: AllReduce", job.Output);
        ParametersOf(job);
    }

    // A rank's Fit throws: it aborts the job. A rank is killed: mpirun ends the others. A rank hangs: the
    // others' watchdogs end them after the time limit, and mpirun the job. Each way every process stops soon
    // after, and mpirun exits with an error.
    [Theory]
    [InlineData("throw", 3, "NetDsl.Mpi: rank 1 of 3 failed, aborting every rank: System.IO.IOException: rank 1 could not read its data")]
    [InlineData("exit", 2, "rank 1")]
    [InlineData("hang", 2, "NetDsl.Mpi: rank 0 of 2 waited 5 s in MPI_")]
    public void A_rank_that_fails_stops_every_rank_within_30_seconds_with_an_error(string how, int processes, string expected)
    {
        var job = Launch(processes, [.. Training, "--timeout", how == "hang" ? "5" : "60", "--fail-rank", "1", "--fail-after-calls", "30", "--fail-how", how]);
        Assert.True(job.AfterFault is not null, $"the planned fault never came (exit {job.ExitCode}):\n{job.Output}\n{job.Error}");
        Assert.NotEqual(0, job.ExitCode);
        Assert.Contains(expected, job.Error + job.Output);
        Assert.True(job.AfterFault < TimeSpan.FromSeconds(30), $"the job ran {job.AfterFault!.Value.TotalSeconds:0.0} s after the fault");
        Assert.DoesNotContain("parameters ", job.Output);
    }

    private sealed record Job(int ExitCode, string Output, string Error, TimeSpan? AfterFault);

    private static string ParametersOf(Job job)
    {
        var found = ParameterLines().Match(job.Output);
        Assert.True(found.Success, $"no parameter hash in the output (exit {job.ExitCode}):\n{job.Output}\n{job.Error}");
        return found.Groups[1].Value;
    }

    [GeneratedRegex(@"^parameters ([0-9a-f]{16})$", RegexOptions.Multiline)]
    private static partial Regex ParameterLines();

    // The examples program, alone or under mpirun -np N on shared memory; the time from the planned fault to the end.
    private static Job Launch(int? processes, string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string program = typeof(NetDsl.Examples.Cli).Assembly.Location;
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (processes is int np)
        {
            var (mpirun, flags) = Mpirun();
            start.FileName = mpirun;
            foreach (string flag in flags) start.ArgumentList.Add(flag);
            start.ArgumentList.Add("-np");
            start.ArgumentList.Add(np.ToString());
            start.ArgumentList.Add(dotnet);
        }
        else start.FileName = dotnet;
        start.ArgumentList.Add(program);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // Open MPI refuses root unless told twice; CI containers run as root.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        long? faultAt = null;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (error)
            {
                if (e.Data.StartsWith("fault: ", StringComparison.Ordinal)) faultAt ??= Stopwatch.GetTimestamp();
                error.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(180)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The job still ran after 180 s: it hung.\n{output}\n{error}");
        }
        process.WaitForExit(); // the output's end
        long end = Stopwatch.GetTimestamp();
        return new Job(process.ExitCode, output.ToString(), error.ToString(), faultAt is long at ? Stopwatch.GetElapsedTime(at, end) : null);
    }

    // mpirun and the flags for a job on this machine: shared memory between the processes, more processes than
    // cores allowed, waiting processes yielding their core (mpi_yield_when_idle), no binding to cores (each
    // process runs threads too).
    private static (string Path, string[] Flags) Mpirun()
    {
        string? path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(folder => Path.Combine(folder, "mpirun")).FirstOrDefault(File.Exists);
        if (path is null) Assert.Skip("mpirun is not installed (Debian: apt-get install openmpi-bin libopenmpi-dev; .ci/run installs it)");
        var version = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string text = version.StandardOutput.ReadToEnd() + version.StandardError.ReadToEnd();
        version.WaitForExit();
        if (text.Contains("Open MPI", StringComparison.Ordinal))
            return (path, ["--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader", "--mca", "mpi_yield_when_idle", "1"]);
        if (text.Contains("HYDRA", StringComparison.Ordinal)) return (path, []); // MPICH: shared memory and oversubscription by default
        Assert.Skip($"mpirun is neither Open MPI's nor MPICH's: {text.Trim()}");
        return default;
    }

    private static string SubsetFolder([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "data", "fashion-mnist-subset"));
}
