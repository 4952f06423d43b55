using System.Globalization;
using System.Text.Json;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// The files cross to Python and back: a file NetDsl writes loads with huggingface's safetensors (numpy) and into
/// the matching PyTorch module with <c>model.load_state_dict</c>, which gives the outputs Predict gives; a state_dict
/// PyTorch saves (F32, F16, BF16 or F64) loads here and predicts as PyTorch does. The PyTorch tests run twice:
/// reading and writing with the safetensors package, and with interop.py's few lines written from the format's
/// specification, so that PyTorch's names and layout are checked wherever PyTorch alone is installed.
/// Each is skipped, saying what is missing, where Python lacks the packages.
/// </summary>
public sealed class PyTorchInteropTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-interop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Networks() => ["PassFail", "KernelDropout", "DeepMixed", "TwoWordNames", "KernelDropout as nn.Sequential"];

    private static (INetworkModel Network, WeightsOptions Options, Func<float[], float[]> Predict) Create(string name, int seed)
    {
        switch (name)
        {
            case "PassFail": { var n = new PassFail(seed); return (n, new WeightsOptions(), x => n.Predict(x)); }
            case "KernelDropout": { var n = new KernelDropout(seed); return (n, new WeightsOptions(), x => n.Predict(x)); }
            case "DeepMixed": { var n = new DeepMixed(seed); return (n, new WeightsOptions(), x => n.Predict(x)); }
            case "TwoWordNames": { var n = new TwoWordNames(seed); return (n, new WeightsOptions(), x => n.Predict(x)); }
            case "KernelDropout as nn.Sequential":
                { var n = new KernelDropout(seed); return (n, new WeightsOptions { Naming = TensorNaming.Sequential }, x => n.Predict(x)); }
            default: throw new ArgumentException(name);
        }
    }

    private static float[][] Inputs(INetworkModel network, int rows = 5)
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, network.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray())];
    }

    private static string Json(float[][] rows) =>
        "[" + string.Join(",", rows.Select(r => "[" + string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]")) + "]";

    private static void AssertClose(float[] expected, JsonElement actual, string what)
    {
        var values = actual.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - values[i]) <= 1e-5 + 1e-5 * Math.Abs(expected[i]), $"{what}[{i}]: NetDsl {expected[i]}, PyTorch {values[i]}");
    }

    [Fact]
    public void A_file_NetDsl_writes_loads_in_Pythons_safetensors_with_numpy_bit_for_bit()
    {
        string python = Python.Require("Reading with the safetensors package", "numpy", "safetensors");
        var net = new KernelDropout(seed: 1);
        string path = Path.Combine(_folder, "kernel.safetensors");
        net.SaveWeights(path);

        var file = Python.Run(python, "numpy", path);
        var metadata = file.GetProperty("metadata");
        Assert.Equal("pt", metadata.GetProperty("format").GetString());
        Assert.Equal("NetDsl.Tests.KernelDropout", metadata.GetProperty("netdsl.type").GetString());
        var tensors = file.GetProperty("tensors");
        Assert.Equal(["h1.bias", "h1.weight", "h2.bias", "h2.weight", "output.bias", "output.weight"], tensors.EnumerateObject().Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var (name, layer) in new[] { ("h1", net.H1), ("h2", net.H2), ("output", net.Output) })
        {
            var weight = tensors.GetProperty(name + ".weight");
            Assert.Equal("float32", weight.GetProperty("dtype").GetString());
            Assert.Equal([layer.Units, layer.Inputs], weight.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(layer.Weights.AsSpan().ToArray(), weight.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
            Assert.Equal(layer.Bias.ToArray(), tensors.GetProperty(name + ".bias").GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_file_NetDsl_writes_loads_into_the_matching_PyTorch_module_read_by_the_safetensors_package(string network) =>
        LoadsInPyTorch(network, "safetensors");

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_file_NetDsl_writes_loads_into_the_matching_PyTorch_module_read_as_the_specification_says(string network) =>
        LoadsInPyTorch(network, "spec");

    private void LoadsInPyTorch(string name, string reader)
    {
        string python = reader == "safetensors"
            ? Python.Require("PyTorch with safetensors.torch.load_file", "torch", "safetensors")
            : Python.Require("PyTorch", "torch", "numpy");
        var (net, options, predict) = Create(name, seed: 11);
        string path = Path.Combine(_folder, "net.safetensors");
        WeightsFile.Save(net, path, options);
        var inputs = Inputs(net);

        var result = Python.Run(python, "torch-load", path, reader, Json(inputs));
        // load_state_dict is strict: the module's state_dict has exactly the file's names.
        var names = result.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Equal(2 * net.Layers!.Count(l => l.Kind == LayerKind.Dense), names.Count);
        var outputs = result.GetProperty("outputs");
        for (int row = 0; row < inputs.Length; row++)
            AssertClose(predict(inputs[row]), outputs[row], $"{name} row {row}");
    }

    public static TheoryData<string, string> Saves() => new()
    {
        { "PassFail", "F32" }, { "KernelDropout", "F16" }, { "DeepMixed", "BF16" }, { "TwoWordNames", "F64" }, { "KernelDropout as nn.Sequential", "F32" },
    };

    [Theory]
    [MemberData(nameof(Saves))]
    public void A_state_dict_PyTorch_saves_with_the_safetensors_package_loads_here(string network, string dtype) =>
        LoadsFromPyTorch(network, dtype, "safetensors");

    [Theory]
    [MemberData(nameof(Saves))]
    public void A_state_dict_PyTorch_saves_as_the_specification_says_loads_here(string network, string dtype) =>
        LoadsFromPyTorch(network, dtype, "spec");

    private void LoadsFromPyTorch(string name, string dtype, string writer)
    {
        string python = writer == "safetensors"
            ? Python.Require("PyTorch with safetensors.torch.save_file", "torch", "safetensors")
            : Python.Require("PyTorch", "torch", "numpy");
        var (net, options, predict) = Create(name, seed: 11);
        var before = net.Parameters.ToArray();
        string path = Path.Combine(_folder, $"torch-{dtype}.safetensors");
        var inputs = Inputs(net);
        string architecture = WeightsFile.Architecture(net, TensorNames.For(net, options));

        var result = Python.Run(python, "torch-save", path, writer, architecture, dtype, Json(inputs));
        WeightsFile.Load(net, path, options);
        Assert.NotEqual(before, net.Parameters.ToArray());
        var outputs = result.GetProperty("outputs");
        for (int row = 0; row < inputs.Length; row++)
            AssertClose(predict(inputs[row]), outputs[row], $"{name} {dtype} row {row}");
    }
}
