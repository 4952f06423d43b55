using NetDsl.Runtime;

namespace NetDsl.Onnx.Tests;

/// <summary>What the exporter refuses, and that a refused or failed export leaves no file behind and an old file whole.</summary>
public sealed class ExportErrorTests
{
    [Fact]
    public void A_model_over_2_GiB_gets_a_clear_error_before_a_weight_is_read()
    {
        // 40,000 inputs × 15,000 units: 600 million weights, 2.4 GB. Described only: its Parameters throw if touched.
        var huge = new DescribedOnly([LayerDescription.Dense("Huge", 40_000, 15_000, Activation.Relu, Initializer.HeUniform, 0)]);

        var error = Assert.Throws<NotSupportedException>(() => huge.ToOnnxBytes());

        Assert.Contains("2 GiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("2,400,", error.Message, StringComparison.Ordinal);
        Assert.Contains("external data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_limit_is_the_last_byte_protobuf_can_hold()
    {
        // One dense layer of n inputs → 1 unit: find the n at which the file passes 2^31 − 1 bytes.
        long low = 1, high = 600_000_000;
        while (high - low > 1)
        {
            long middle = (low + high) / 2;
            if (OnnxModelBuilder.PredictedSize(OneUnit((int)middle), new OnnxExportOptions()) <= int.MaxValue) low = middle; else high = middle;
        }

        // n fits: the export gets past the size check and only then asks for the weights.
        Assert.Throws<WeightsRequestedException>(() => OneUnit((int)low).ToOnnxBytes());
        // n + 1 does not.
        Assert.Throws<NotSupportedException>(() => OneUnit((int)high).ToOnnxBytes());
        Assert.InRange(OnnxModelBuilder.PredictedSize(OneUnit((int)high), new OnnxExportOptions()), (long)int.MaxValue + 1, (long)int.MaxValue + 8);

        static DescribedOnly OneUnit(int inputs) => new([LayerDescription.Dense("Wide", inputs, 1, Activation.Sigmoid, Initializer.GlorotUniform, 0)]);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_predicted_size_is_the_size_written(string name)
    {
        var network = TestNetwork.Create(name);
        foreach (var options in new[] { new OnnxExportOptions(), new OnnxExportOptions { Output = OnnxOutput.Logits, Opset = 21 } })
            Assert.Equal(network.Model.ToOnnxBytes(options).Length, OnnxModelBuilder.PredictedSize(network.Model, options));
    }

    public static TheoryData<string> Networks() => [.. TestNetwork.Names];

    [Fact]
    public void Layer_names_that_meet_in_snake_case_are_refused_with_both_names()
    {
        var error = Assert.Throws<ArgumentException>(() => new CaseClash(seed: 1).ToOnnxBytes());

        Assert.Contains("'output' and 'Output'", error.Message, StringComparison.Ordinal);
        Assert.Contains("output.weight", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void A_weight_that_is_not_finite_is_refused_with_its_name_and_place(float value, string shown)
    {
        var network = new SigmoidOutput(seed: 1);
        network.Output.Weights[1, 2] = value;

        var error = Assert.Throws<ArgumentException>(() => network.ToOnnxBytes());

        Assert.Contains($"output.weight[1, 2] is {shown}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_that_does_not_list_its_layers_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new DescribedOnly(null).ToOnnxBytes());

        Assert.Contains("does not list its layers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_that_do_not_chain_are_refused()
    {
        var broken = new DescribedOnly([
            LayerDescription.Dense("First", 3, 4, Activation.Tanh, Initializer.GlorotUniform, 0),
            LayerDescription.Dense("Second", 5, 1, Activation.Identity, Initializer.GlorotUniform, 16),
        ], inputs: 3);

        var error = Assert.Throws<ArgumentException>(() => broken.ToOnnxBytes());

        Assert.Contains("layer 'Second' takes 5 values, but layer 'First' gives 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_export_leaves_the_old_file_whole_and_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("netdsl-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            var good = new SigmoidOutput(seed: 1);
            good.ExportOnnx(path);
            byte[] before = File.ReadAllBytes(path);

            var bad = new SigmoidOutput(seed: 2);
            bad.Hidden.Bias[0] = float.NaN;
            Assert.Throws<ArgumentException>(() => bad.ExportOnnx(path));

            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(["model.onnx"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_whole_and_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("netdsl-onnx-").FullName;
        try
        {
            // The target is a folder: the rename over it fails after the temporary file was written.
            string path = Path.Combine(folder, "model.onnx");
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "keep.txt"), "kept");

            Assert.ThrowsAny<IOException>(() => new SigmoidOutput(seed: 1).ExportOnnx(path));

            Assert.Equal("kept", File.ReadAllText(Path.Combine(path, "keep.txt")));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Exporting_again_replaces_the_file()
    {
        string folder = Directory.CreateTempSubdirectory("netdsl-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            new SigmoidOutput(seed: 1).ExportOnnx(path);
            var second = new SigmoidOutput(seed: 2);
            second.ExportOnnx(path);

            Assert.Equal(second.ToOnnxBytes(), File.ReadAllBytes(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_stream_the_file_and_the_bytes_are_the_same_model()
    {
        var network = new Wide784(seed: 4);
        using var stream = new MemoryStream();
        network.ExportOnnx(stream);
        string path = Path.Combine(Path.GetTempPath(), $"netdsl-{Guid.NewGuid():N}.onnx");
        try
        {
            network.ExportOnnx(path);
            Assert.Equal(network.ToOnnxBytes(), stream.ToArray());
            Assert.Equal(network.ToOnnxBytes(), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Nulls_are_refused_by_name()
    {
        INetworkModel network = new Perceptron(seed: 1);
        Assert.Equal("network", Assert.Throws<ArgumentNullException>(() => ((INetworkModel)null!).ToOnnxBytes()).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentNullException>(() => network.ExportOnnx((string)null!)).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => network.ExportOnnx("")).ParamName);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => network.ExportOnnx((Stream)null!)).ParamName);
    }

    /// <summary>Thrown by <see cref="DescribedOnly"/> when the exporter asks for the weights.</summary>
    private sealed class WeightsRequestedException() : Exception("The exporter asked for the weights.");

    /// <summary>A network that only describes its layers: big ones cost nothing, and asking for its weights throws.</summary>
    private sealed class DescribedOnly(IReadOnlyList<LayerDescription>? layers, int? inputs = null) : INetworkModel
    {
        public int InputSize { get; } = inputs ?? layers?[0].Inputs ?? 1;
        public int OutputSize { get; } = layers?[^1].Units ?? 1;
        public Loss Loss => Loss.MeanSquaredError;
        public Span<float> Parameters => throw new WeightsRequestedException();
        public IReadOnlyList<LayerDescription>? Layers => layers;
        public NetworkWorkspace CreateWorkspace(int maxRows) => throw new NotSupportedException();
        public float ComputeLossAndGradient(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, float scale, Span<float> gradient, NetworkWorkspace workspace, DropoutStream dropout) => throw new NotSupportedException();
        public ReadOnlySpan<float> ComputeLossInputs(ReadOnlySpan<float> inputs, int rows, NetworkWorkspace workspace) => throw new NotSupportedException();
    }
}
