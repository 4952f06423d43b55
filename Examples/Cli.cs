using System.CommandLine;
using System.Globalization;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace NetDsl.Examples;

/// <summary>
/// The command line of the examples program, parsed strictly by System.CommandLine: one subcommand
/// per example, the lecture tour when there is none. Exit codes: 0 done, 1 a data or IO error (its
/// message, no stack trace), 2 a usage error (the parser's message and a pointer to --help).
/// </summary>
public static class Cli
{
    /// <summary>The program's name in help and in the pointer to it.</summary>
    public const string Name = "Examples";

    public const int Success = 0, DataError = 1, UsageError = 2;

    private const string Tiny = "tiny-2-3-1";

    /// <summary>The names in <see cref="BenchTargets"/> that run several workloads.</summary>
    private static readonly string[] BenchGroups = ["tiny", "fashion", "infer", "gemm", "all"];

    /// <summary>The benchmark groups and workloads <c>bench</c> accepts.</summary>
    public static IReadOnlyList<string> BenchTargets { get; } = [.. BenchGroups, Tiny, .. FashionBenchmark.Workloads, .. InferBenchmark.Workloads, ExchangeBenchmark.Workload, .. GemmBenchmark.Workloads];

    /// <summary>
    /// Parses <paramref name="args"/> and runs what they name. Help, parse errors and data errors go
    /// to <paramref name="output"/> and <paramref name="error"/>; the examples themselves print to the console.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ParseResult parsed = CreateRootCommand().Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            foreach (ParseError problem in parsed.Errors) error.WriteLine(problem.Message);
            error.WriteLine($"See '{CommandPath(parsed.CommandResult)} --help'.");
            return UsageError;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception problem) when (problem is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            // Missing or foreign data files: the message says what was expected.
            error.WriteLine(problem.Message);
            return DataError;
        }
    }

    private static RootCommand CreateRootCommand()
    {
        var data = new Option<string>("--data")
        {
            Description = "The folder holding the full Fashion-MNIST (its four IDX files, plain or .gz); only that folder is tried. " +
                "Without it: $FASHION_MNIST_DIR, then /usr/share/datasets/fashion-mnist, else the subset shipped in data/.",
            HelpName = "DIR",
        };
        data.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is string folder && !Directory.Exists(folder))
                result.AddError($"Option '--data': there is no folder '{folder}'.");
        });

        var epochs = new Option<int?>("--epochs")
        {
            Description = "The most epochs to train (at least 1; default 50; early stopping may end sooner).",
            HelpName = "N",
            CustomParser = result =>
            {
                string token = result.Tokens.Single().Value;
                if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count >= 1) return count;
                result.AddError($"Cannot parse argument '{token}' for option '--epochs': expected a whole number of at least 1.");
                return null;
            },
        };

        var tour = new Command("tour", "The lecture tour: the perceptron, then the pass/fail network before and after training (the default).");
        tour.SetAction(_ => Tour.Run());

        var perceptron = new Command("perceptron", "The perceptron's worked example: ŷ = σ(θ₀ + θ·x).");
        perceptron.SetAction(_ => Tour.Perceptron());

        var passFail = new Command("pass-fail", "Will I pass this class? A 2 → 3 → 1 network before and after training.");
        passFail.SetAction(_ => Tour.PassFailNetwork());

        var fashion = new Command("fashion", "Trains FashionWide (784 → 512 ReLU → dropout 0.2 → 10 softmax) on Fashion-MNIST and reports test accuracy.")
        {
            data, epochs,
        };
        fashion.SetAction(result => FashionExample.Run(result.GetValue(data), result.GetValue(epochs)));

        var distributed = new Command("distributed", "Trains FashionMlp (784 → 128 → 10) on every process of an MPI job (mpirun -np 4 dotnet Examples.dll distributed), " +
            "or alone when started plainly, and prints a hash of the parameters: the same for any number of processes.")
        {
            data, epochs,
        };
        var rows = new Option<int?>("--rows") { Description = "Train on the first N training images only.", HelpName = "N" };
        var allReduce = new Option<bool>("--all-reduce") { Description = "Sum the gradients with MPI_Allreduce: faster on many processes, not the bits of one process." };
        // For the tests of failure handling: one rank fails on purpose.
        var failRank = new Option<int?>("--fail-rank") { Hidden = true };
        var failAfter = new Option<int>("--fail-after-calls") { Hidden = true, DefaultValueFactory = _ => 20 };
        var failHow = new Option<string>("--fail-how") { Hidden = true, DefaultValueFactory = _ => "throw" };
        failHow.AcceptOnlyFromAmong("throw", "exit", "hang");
        var timeout = new Option<double?>("--timeout") { Description = "Seconds a process waits for the others before the job is aborted (default 20).", HelpName = "SECONDS" };
        distributed.Options.Add(rows);
        distributed.Options.Add(allReduce);
        distributed.Options.Add(failRank);
        distributed.Options.Add(failAfter);
        distributed.Options.Add(failHow);
        distributed.Options.Add(timeout);
        distributed.SetAction(result =>
        {
            var limit = result.GetValue(timeout) is double seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var fault = result.GetValue(failRank) is int rank ? new FaultPlan(rank, result.GetValue(failAfter), result.GetValue(failHow)!) : null;
            DistributedExample.Run(result.GetValue(data), result.GetValue(epochs) ?? 2, result.GetValue(rows), result.GetValue(allReduce), limit, fault);
        });

        var target = new Argument<string>("workload")
        {
            Description = $"tiny, fashion (its three workloads), infer (its two), gemm (the kernels' matrix products, one thread), all, or one workload: {string.Join(", ", BenchTargets.Skip(BenchGroups.Length))}.",
            HelpName = "workload",
        };
        target.AcceptOnlyFromAmong([.. BenchTargets]);
        var bench = new Command("bench", "Runs the benchmark workloads (the same work as bench/torchsharp.sh and, for infer, bench/onnxruntime.sh) and prints one JSON line per metric.")
        {
            target, data,
        };
        bench.SetAction(result => Bench(result.GetValue(target)!, result.GetValue(data)));

        var root = new RootCommand("NetDsl's examples: MIT 6.S191 lecture 1 as networks declared in C#, and the benchmarks.")
        {
            tour, perceptron, passFail, fashion, distributed, bench,
        };
        root.HelpName = Name;
        root.SetAction(_ => Tour.Run());
        return root;
    }

    private static void Bench(string target, string? dataDirectory)
    {
        string[] workloads = target switch
        {
            "tiny" => [Tiny],
            "fashion" => FashionBenchmark.Workloads,
            "infer" => InferBenchmark.Workloads,
            "gemm" => ["gemm"],
            "all" => [Tiny, .. FashionBenchmark.Workloads, .. InferBenchmark.Workloads, "gemm"],
            var name => [name],
        };
        foreach (string workload in workloads)
        {
            if (workload == ExchangeBenchmark.Workload && Mpi.Mpi.LaunchedByMpi()) ExchangeBenchmark.RunRank();
            else if (workload == ExchangeBenchmark.Workload) ExchangeBenchmark.Run();
            else if (workload == Tiny) TinyBenchmark.Run();
            else if (InferBenchmark.Workloads.Contains(workload)) InferBenchmark.Run(workload);
            else if (workload == "gemm") GemmBenchmark.Run();
            else if (workload.StartsWith("gemm-", StringComparison.Ordinal)) GemmBenchmark.Run(workload);
            else FashionBenchmark.Run(workload, dataDirectory);
        }
    }

    /// <summary>"Examples" or "Examples fashion": the command the user was typing.</summary>
    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? $"{CommandPath(parent)} {command.Command.Name}" : Name;
}
