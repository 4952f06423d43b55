using System.Diagnostics;
using Google.Protobuf;
using Onnx;

namespace NetDsl.Onnx.Tests;

/// <summary>
/// ONNX's own checker (<c>onnx.checker.check_model</c> with <c>full_check</c>, which runs strict shape
/// inference too) accepts every exported model. It needs Python with the <c>onnx</c> package
/// (Debian: python3-onnx, which .ci/run installs); without it these tests are skipped, saying so.
/// </summary>
public sealed class OnnxCheckerTests
{
    private const string Check = """
        import sys, onnx
        model = onnx.load(sys.argv[1])
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        shape = [d.dim_param or d.dim_value for d in inferred.graph.output[0].type.tensor_type.shape.dim]
        print("ok", onnx.__version__, shape)
        """;

    private static readonly Lazy<string?> Python = new(FindPython);

    public static TheoryData<string> Networks() => [.. TestNetwork.Names];

    [Theory]
    [MemberData(nameof(Networks))]
    public void ONNX_checker_accepts_the_model(string name)
    {
        var network = TestNetwork.Create(name);
        foreach (var output in new[] { OnnxOutput.Predictions, OnnxOutput.Logits })
        {
            string printed = RunChecker(network.Model.ToOnnxBytes(new OnnxExportOptions { Output = output }));
            Assert.StartsWith("ok ", printed, StringComparison.Ordinal);
            Assert.EndsWith($"['batch', {network.Model.OutputSize}]", printed.TrimEnd(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ONNX_checker_refuses_a_broken_model()
    {
        // The check can fail: a Gemm reading a weight that is not there.
        var model = ModelProto.Parser.ParseFrom(TestNetwork.Create("Perceptron").Model.ToOnnxBytes());
        model.Graph.Node[0].Input[1] = "missing.weight";

        var error = Assert.Throws<InvalidOperationException>(() => RunChecker(model.ToByteArray()));

        Assert.Contains("missing.weight", error.Message, StringComparison.Ordinal);
    }

    private static string RunChecker(byte[] model)
    {
        string python = Python.Value ?? SkipWithoutPython();
        string path = Path.Combine(Path.GetTempPath(), $"netdsl-check-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            var (exitCode, output, error) = RunProcess(python, "-c", Check, path);
            return exitCode == 0 ? output : throw new InvalidOperationException($"onnx.checker refused the model:\n{error}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string SkipWithoutPython()
    {
        Assert.Skip("Python's onnx package is not installed (Debian: apt-get install python3-onnx; .ci/run installs it)");
        return "";
    }

    /// <summary>The first Python that imports onnx: $NETDSL_PYTHON, python3 on the path, then Debian's /usr/bin/python3.</summary>
    private static string? FindPython()
    {
        foreach (string? candidate in new[] { Environment.GetEnvironmentVariable("NETDSL_PYTHON"), "python3", "/usr/bin/python3" })
        {
            if (string.IsNullOrEmpty(candidate)) continue;
            try
            {
                if (RunProcess(candidate, "-c", "import onnx").ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name.
            }
        }
        return null;
    }

    private static (int ExitCode, string Output, string Error) RunProcess(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
