using NetDsl.Examples;

namespace NetDsl.Tests;

/// <summary>
/// The examples program's command line, run in process: help, usage errors (exit 2, the parser's
/// message and a pointer to --help) and data errors (exit 1, the message without a stack trace).
/// Only the parse, validation and data-loading paths run here; nothing trains.
/// </summary>
public sealed class CliTests
{
    private const string MissingFolder = "/nonexistent/netdsl-no-such-folder";

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = Cli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Help_exits_0_and_lists_every_subcommand()
    {
        var (exitCode, output, error) = Run("--help");

        Assert.Equal(Cli.Success, exitCode);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        foreach (string command in new[] { "tour", "perceptron", "pass-fail", "fashion", "distributed", "bench" })
            Assert.Matches($@"(?m)^\s+{command}\b", output);
    }

    [Fact]
    public void Help_on_fashion_lists_its_options()
    {
        var (exitCode, output, error) = Run("fashion", "--help");

        Assert.Equal(Cli.Success, exitCode);
        Assert.Equal("", error);
        Assert.Contains("--data <DIR>", output);
        Assert.Contains("--epochs <N>", output);
    }

    [Theory]
    [InlineData(new[] { "fashion", "--epochs", "abc" }, new[] { "--epochs", "'abc'" }, "Examples fashion --help")]
    [InlineData(new[] { "fashion", "--epochs", "0" }, new[] { "--epochs", "'0'", "at least 1" }, "Examples fashion --help")]
    [InlineData(new[] { "fashion", "--epochs", "-3" }, new[] { "--epochs", "'-3'" }, "Examples fashion --help")]
    [InlineData(new[] { "fashion", "--data" }, new[] { "Required argument missing", "--data" }, "Examples fashion --help")]
    [InlineData(new[] { "fashion", "--data", MissingFolder }, new[] { "--data", $"no folder '{MissingFolder}'" }, "Examples fashion --help")]
    [InlineData(new[] { "bench", "all", "--data", MissingFolder }, new[] { "--data", MissingFolder }, "Examples bench --help")]
    [InlineData(new[] { "bench" }, new[] { "Required argument 'workload' missing" }, "Examples bench --help")]
    [InlineData(new[] { "nosuch" }, new[] { "Unrecognized command or argument 'nosuch'" }, "Examples --help")]
    [InlineData(new[] { "tour", "--epochs", "3" }, new[] { "Unrecognized command or argument '--epochs'" }, "Examples tour --help")]
    public void A_usage_error_exits_2_with_the_parsers_message_and_a_pointer_to_help(string[] args, string[] expected, string pointer)
    {
        var (exitCode, output, error) = Run(args);

        Assert.Equal(Cli.UsageError, exitCode);
        Assert.Equal("", output);
        foreach (string fragment in expected) Assert.Contains(fragment, error);
        Assert.EndsWith($"See '{pointer}'.{Environment.NewLine}", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
    }

    [Fact]
    public void An_unknown_bench_workload_exits_2_and_lists_the_known_ones()
    {
        var (exitCode, _, error) = Run("bench", "nosuch");

        Assert.Equal(Cli.UsageError, exitCode);
        Assert.Contains("'nosuch'", error);
        string[] gemm = ["gemm-abt-1024x1024x1024", "gemm-atb-1024x1024x1024", "gemm-ab-1024x1024x1024",
            .. from weights in new (int Units, int FanIn)[] { (128, 784), (512, 784), (512, 512) }
               from batch in new[] { 32, 128, 256 }
               from name in new[] { $"gemm-abt-{batch}x{weights.Units}x{weights.FanIn}", $"gemm-atb-{weights.Units}x{weights.FanIn}x{batch}", $"gemm-ab-{batch}x{weights.FanIn}x{weights.Units}" }
               select name];
        string[] known = ["tiny", "fashion", "infer", "gemm", "all", "tiny-2-3-1", "fashion-784-128-10", "fashion-784-128-10-b256", "fashion-784-512-512-10-dropout",
            "infer-784-128-10-b1", "infer-784-128-10-b256", "exchange-784-512-512-10", .. gemm];
        Assert.Equal(known, Cli.BenchTargets);
        foreach (string workload in known) Assert.Contains($"'{workload}'", error);
        Assert.EndsWith($"See 'Examples bench --help'.{Environment.NewLine}", error);
    }

    [Fact]
    public void A_data_folder_without_the_set_exits_1_with_the_loaders_message_and_no_stack_trace()
    {
        string folder = Directory.CreateTempSubdirectory("netdsl-cli-").FullName;
        try
        {
            var (exitCode, output, error) = Run("fashion", "--data", folder, "--epochs", "1");

            Assert.Equal(Cli.DataError, exitCode);
            Assert.Equal("", output);
            Assert.Contains($"'{folder}'", error);
            Assert.Contains("train-images-idx3-ubyte", error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
