using System.Globalization;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// The README's Python, run with PyTorch between the C# that writes its input and the C# that reads its output:
/// the module it declares loads <c>passfail.safetensors</c> as the README's C# saves it, predicts what Predict
/// predicts, and saves a file LoadWeights reads back to the same predictions.
/// </summary>
public sealed class PythonInReadmeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-readme-python-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int> PythonBlocks()
    {
        var lines = new TheoryData<int>();
        // The PyTorch blocks; the ONNX Runtime one is run in C#, by Dsl.Onnx.Tests, on the models it describes.
        foreach (var block in ReadmeTests.Readme.Value.Blocks.Where(b => b.Info == "python" && b.Code.Contains("import torch")))
            lines.Add(block.Line);
        return lines;
    }

    [Fact]
    public void The_readme_has_PyTorch_to_run() => Assert.NotEmpty(PythonBlocks());

    [Theory]
    [MemberData(nameof(PythonBlocks))]
    public void Python_block(int line)
    {
        string python = Python.Require("The README's PyTorch example", "torch", "numpy");
        var block = ReadmeTests.Readme.Value.Blocks.Single(b => b.Line == line);

        var net = new PassFail(seed: 42);                                     // as the README's C# saves it
        net.SaveWeights(Path.Combine(_folder, "passfail.safetensors"));
        string printed = Python.RunCode(python, block.Code, _folder, out bool shimmed);
        TestContext.Current.TestOutputHelper?.WriteLine(shimmed
            ? "safetensors.torch was interop.py's reader and writer from the specification: the package is not installed."
            : "safetensors.torch was the package's.");

        float torch = float.Parse(printed.Trim(), CultureInfo.InvariantCulture);
        float expected = net.Predict([4f, 5f])[0];
        Assert.True(Math.Abs(torch - expected) <= 1e-6, $"PyTorch printed {torch}, Predict gives {expected}");
        var back = new PassFail(seed: 7);
        back.LoadWeights(Path.Combine(_folder, "from-torch.safetensors"));
        Assert.Equal(net.Parameters.ToArray(), back.Parameters.ToArray());
    }
}
