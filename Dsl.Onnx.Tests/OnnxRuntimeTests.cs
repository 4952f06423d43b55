using Google.Protobuf;
using Onnx;

namespace NetDsl.Onnx.Tests;

/// <summary>Every exported model runs in ONNX Runtime, gives what Predict gives, and makes ONNX Runtime warn about nothing.</summary>
public sealed class OnnxRuntimeTests
{
    /// <summary>Outputs equal Predict's within this, relative to the value's size where it exceeds 1.</summary>
    private const float Tolerance = 1e-5f;

    public static TheoryData<string, int> NetworksAndBatches()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in TestNetwork.Names)
            foreach (int batch in new[] { 1, 7, 256 })
                data.Add(name, batch);
        return data;
    }

    [Theory]
    [MemberData(nameof(NetworksAndBatches))]
    public void The_exported_model_predicts_what_Predict_does(string name, int batch)
    {
        var network = TestNetwork.Create(name);
        float[] inputs = network.Inputs(batch, seed: batch);
        float[] expected = network.PredictRows(inputs, batch);

        var (actual, log) = OnnxRuntimeHarness.Run(network.Model.ToOnnxBytes(), inputs, batch, network.Model.InputSize);

        Assert.Empty(log);
        AssertClose(expected, actual, network.Model.OutputSize);
        AssertClose(ReferenceForward.Run(network.Model, inputs, batch, lastActivation: true), actual, network.Model.OutputSize);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_logits_model_gives_the_values_the_loss_reads(string name)
    {
        var network = TestNetwork.Create(name);
        const int rows = 7;
        float[] inputs = network.Inputs(rows, seed: 3);
        // Without its last activation: for the cross-entropies, the logits the loss reads (checked
        // below too); for mean squared error, which reads the activation, z as a reference computes it.
        float[] expected = ReferenceForward.Run(network.Model, inputs, rows, lastActivation: false);

        var (actual, log) = OnnxRuntimeHarness.Run(network.Model.ToOnnxBytes(new OnnxExportOptions { Output = OnnxOutput.Logits }), inputs, rows, network.Model.InputSize);

        Assert.Empty(log);
        AssertClose(expected, actual, network.Model.OutputSize);
        if (network.Model.Loss != Loss.MeanSquaredError)
        {
            var model = network.Model;
            float[] lossInputs = model.ComputeLossInputs(inputs, rows, model.CreateWorkspace(rows)).ToArray();
            AssertClose(lossInputs, actual, model.OutputSize);
        }
    }

    public static TheoryData<string> Networks() => [.. TestNetwork.Names];

    [Theory]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(19)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    [InlineData(26)]
    public void Every_opset_the_exporter_offers_runs(int opset)
    {
        var network = TestNetwork.Create("EveryActivation");
        float[] inputs = network.Inputs(7, seed: 5);
        byte[] bytes = network.Model.ToOnnxBytes(new OnnxExportOptions { Opset = opset });

        var (actual, log) = OnnxRuntimeHarness.Run(bytes, inputs, 7, network.Model.InputSize);

        Assert.Empty(log);
        AssertClose(network.PredictRows(inputs, 7), actual, network.Model.OutputSize);
        Assert.Equal(opset, ModelProto.Parser.ParseFrom(bytes).OpsetImport.Single().Version);
    }

    [Fact]
    public void The_same_model_runs_on_all_cores()
    {
        var network = TestNetwork.Create("Wide784");
        float[] inputs = network.Inputs(256, seed: 9);

        var (actual, log) = OnnxRuntimeHarness.Run(network.Model.ToOnnxBytes(), inputs, 256, 784, threads: Environment.ProcessorCount);

        Assert.Empty(log);
        AssertClose(network.PredictRows(inputs, 256), actual, 10);
    }

    [Fact]
    public void The_log_capture_sees_a_warning_when_there_is_one()
    {
        // Without this, "no warnings" could mean "no logger". ONNX Runtime warns about an initializer no node uses.
        var model = ModelProto.Parser.ParseFrom(TestNetwork.Create("Perceptron").Model.ToOnnxBytes());
        var unused = new TensorProto { Name = "unused", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(new byte[4]) };
        unused.Dims.Add(1);
        model.Graph.Initializer.Add(unused);

        IReadOnlyList<string> log = OnnxRuntimeHarness.Load(model.ToByteArray());

        Assert.Contains(log, message => message.Contains("unused", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_written_by_ExportOnnx_loads_from_its_path()
    {
        var network = TestNetwork.Create("SigmoidOutput");
        string folder = Directory.CreateTempSubdirectory("netdsl-onnx-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.onnx");
            network.Model.ExportOnnx(path);
            float[] inputs = network.Inputs(7, seed: 1);

            var (actual, log) = OnnxRuntimeHarness.Run(File.ReadAllBytes(path), inputs, 7, 3);

            Assert.Empty(log);
            AssertClose(network.PredictRows(inputs, 7), actual, 2);
            Assert.Equal(["model.onnx"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static void AssertClose(float[] expected, float[] actual, int width)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = Tolerance * Math.Max(1f, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= allowed))
                Assert.Fail($"row {i / width}, output {i % width}: expected {expected[i]:R}, ONNX Runtime gave {actual[i]:R} (difference {Math.Abs(expected[i] - actual[i]):G3}, allowed {allowed:G3})");
        }
    }
}
