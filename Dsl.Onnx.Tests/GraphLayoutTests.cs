using System.Text.Json;
using Onnx;

namespace NetDsl.Onnx.Tests;

/// <summary>What the exported file holds: nodes, names, shapes, versions and metadata, read back with the same schema.</summary>
public sealed class GraphLayoutTests
{
    private static ModelProto Export(string name, OnnxExportOptions? options = null) =>
        ModelProto.Parser.ParseFrom(TestNetwork.Create(name).Model.ToOnnxBytes(options));

    [Fact]
    public void Each_dense_layer_is_a_Gemm_and_its_activation_and_dropout_is_nothing()
    {
        var graph = Export("EveryActivation").Graph;

        Assert.Equal(
            ["hidden1/Gemm", "hidden1/Sigmoid", "hidden2/Gemm", "hidden2/Tanh", "hidden3/Gemm", "hidden3/Relu", "linear/Gemm", "output_layer/Gemm", "output_layer/Softmax"],
            graph.Node.Select(node => node.Name));
        Assert.Equal(
            ["Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Relu", "Gemm", "Gemm", "Softmax"],
            graph.Node.Select(node => node.OpType));
        // Each node reads what the one before it wrote; dropout (between hidden2 and hidden3) left no trace.
        Assert.Equal(["input", "hidden1.weight", "hidden1.bias"], graph.Node[0].Input);
        Assert.Equal(["hidden2.a", "hidden3.weight", "hidden3.bias"], graph.Node[4].Input);
        Assert.Equal(["hidden3.a", "linear.weight", "linear.bias"], graph.Node[6].Input);
        Assert.Equal(["linear.z", "output_layer.weight", "output_layer.bias"], graph.Node[7].Input);
        Assert.Equal(["output"], graph.Node[^1].Output);
    }

    [Fact]
    public void Gemm_reads_the_weights_transposed_and_softmax_runs_over_the_last_axis()
    {
        var graph = Export("EveryActivation").Graph;

        foreach (var gemm in graph.Node.Where(node => node.OpType == "Gemm"))
        {
            var attribute = Assert.Single(gemm.Attribute);
            Assert.Equal(("transB", AttributeProto.Types.AttributeType.Int, 1L), (attribute.Name, attribute.Type, attribute.I));
        }
        var softmax = Assert.Single(graph.Node, node => node.OpType == "Softmax");
        var axis = Assert.Single(softmax.Attribute);
        Assert.Equal(("axis", -1L), (axis.Name, axis.I));
    }

    [Fact]
    public void Initializers_are_named_and_shaped_as_PyTorch_names_nn_Linear_parameters()
    {
        var graph = Export("EveryActivation").Graph;

        Assert.Equal(
            ["hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias", "hidden3.weight", "hidden3.bias", "linear.weight", "linear.bias", "output_layer.weight", "output_layer.bias"],
            graph.Initializer.Select(tensor => tensor.Name));
        var weights = graph.Initializer.Single(tensor => tensor.Name == "hidden2.weight");
        Assert.Equal([7L, 8L], weights.Dims);
        Assert.Equal([7L], graph.Initializer.Single(tensor => tensor.Name == "hidden2.bias").Dims);
        Assert.All(graph.Initializer, tensor => Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType));
    }

    [Fact]
    public void Initializers_hold_the_parameters_bit_for_bit()
    {
        var network = TestNetwork.Create("EveryActivation");
        var graph = ModelProto.Parser.ParseFrom(network.Model.ToOnnxBytes()).Graph;
        var hidden2 = network.Model.Layers![1];

        float[] stored = [.. graph.Initializer.Single(tensor => tensor.Name == "hidden2.weight").RawData.Span.ToArray()
            .Chunk(4).Select(bytes => BitConverter.ToSingle(bytes))];
        float[] bias = [.. graph.Initializer.Single(tensor => tensor.Name == "hidden2.bias").RawData.Span.ToArray()
            .Chunk(4).Select(bytes => BitConverter.ToSingle(bytes))];

        Assert.Equal(network.Model.Parameters.Slice(hidden2.Offset, 56).ToArray(), stored);
        Assert.Equal(network.Model.Parameters.Slice(hidden2.Offset + 56, 7).ToArray(), bias);
    }

    [Fact]
    public void Input_and_output_have_a_symbolic_batch_dimension()
    {
        var graph = Export("Wide784").Graph;

        var input = Assert.Single(graph.Input);
        var output = Assert.Single(graph.Output);
        Assert.Equal("input", input.Name);
        Assert.Equal("output", output.Name);
        Assert.Equal(["batch", "784"], Dimensions(input));
        Assert.Equal(["batch", "10"], Dimensions(output));
        Assert.Equal(["batch", "128"], Dimensions(graph.ValueInfo.Single(value => value.Name == "hidden.a")));

        static IEnumerable<string> Dimensions(ValueInfoProto value) =>
            value.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Logits_drop_only_the_last_activation()
    {
        var graph = Export("EveryActivation", new OnnxExportOptions { Output = OnnxOutput.Logits }).Graph;

        Assert.Equal(["Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Relu", "Gemm", "Gemm"], graph.Node.Select(node => node.OpType));
        Assert.Equal(["output"], graph.Node[^1].Output);
    }

    [Theory]
    [InlineData(17, 8)]
    [InlineData(18, 8)]
    [InlineData(19, 9)]
    [InlineData(20, 9)]
    [InlineData(21, 10)]
    [InlineData(22, 10)]
    [InlineData(23, 11)]
    [InlineData(24, 12)]
    [InlineData(25, 13)]
    [InlineData(26, 13)]
    public void The_file_declares_the_opset_and_the_IR_version_ONNX_pairs_with_it(int opset, long irVersion)
    {
        var model = Export("Perceptron", new OnnxExportOptions { Opset = opset });

        var import = Assert.Single(model.OpsetImport);
        Assert.Equal(("", (long)opset), (import.Domain, import.Version));
        Assert.Equal(irVersion, model.IrVersion);
    }

    [Fact]
    public void Opset_17_is_the_default()
    {
        Assert.Equal(17, new OnnxExportOptions().Opset);
        Assert.Equal(17L, Export("Perceptron").OpsetImport.Single().Version);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(27)]
    [InlineData(0)]
    public void An_opset_outside_the_range_is_refused(int opset)
    {
        var network = TestNetwork.Create("Perceptron");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.Model.ToOnnxBytes(new OnnxExportOptions { Opset = opset }));

        Assert.Contains($"Opset is {opset}", error.Message, StringComparison.Ordinal);
        Assert.Contains("17 to 26", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_producer_is_NetDsl_with_its_version()
    {
        var model = Export("Perceptron");

        Assert.Equal("NetDsl", model.ProducerName);
        Assert.Equal(ModelMetadata.NetDslVersion, model.ProducerVersion);
        Assert.Matches(@"^\d+\.\d+\.\d+", model.ProducerVersion);
        Assert.DoesNotContain("+", model.ProducerVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void The_metadata_says_what_the_weights_file_says()
    {
        var metadata = Export("EveryActivation").MetadataProps.ToDictionary(entry => entry.Key, entry => entry.Value);

        Assert.Equal(["format", "netdsl.type", "netdsl.version", "netdsl.architecture", "netdsl.output"], metadata.Keys);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(typeof(EveryActivation).FullName, metadata["netdsl.type"]);
        Assert.Equal(ModelMetadata.NetDslVersion, metadata["netdsl.version"]);
        Assert.Equal("predictions", metadata["netdsl.output"]);
        using var architecture = JsonDocument.Parse(metadata["netdsl.architecture"]);
        var root = architecture.RootElement;
        Assert.Equal((6, 4), (root.GetProperty("inputs").GetInt32(), root.GetProperty("outputs").GetInt32()));
        Assert.Equal("CategoricalCrossEntropy", root.GetProperty("loss").GetString());
        var layers = root.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(["Hidden1", "Hidden2", "Drop", "Hidden3", "Linear", "OutputLayer"], layers.Select(layer => layer.GetProperty("name").GetString()));
        Assert.Equal(["Dense", "Dense", "Dropout", "Dense", "Dense", "Dense"], layers.Select(layer => layer.GetProperty("kind").GetString()));
        Assert.Equal(["Sigmoid", "Tanh", null, "Relu", "Identity", "Softmax"],
            layers.Select(layer => layer.TryGetProperty("activation", out var a) ? a.GetString() : null));
        Assert.Equal(0.3, layers[2].GetProperty("rate").GetDouble(), 6);
        Assert.Equal((7, 7), (layers[2].GetProperty("inputs").GetInt32(), layers[2].GetProperty("units").GetInt32()));
        Assert.Equal((7, 9), (layers[3].GetProperty("inputs").GetInt32(), layers[3].GetProperty("units").GetInt32()));
        Assert.Equal(("output_layer.weight", "output_layer.bias"), (layers[5].GetProperty("weight").GetString(), layers[5].GetProperty("bias").GetString()));
    }

    [Fact]
    public void Logits_say_so_in_the_metadata_and_the_doc_string()
    {
        var model = Export("SigmoidOutput", new OnnxExportOptions { Output = OnnxOutput.Logits });

        Assert.Equal("logits", model.MetadataProps.Single(entry => entry.Key == "netdsl.output").Value);
        Assert.EndsWith("output: the last layer's logits", model.DocString, StringComparison.Ordinal);
    }

    [Fact]
    public void The_doc_string_reads_as_the_architecture()
    {
        Assert.Equal(
            $"NetDsl network {typeof(Wide784).FullName}: 784 → 128 relu → dropout 0.2 → 10 softmax; output: what Predict returns",
            Export("Wide784").DocString);
    }

    [Theory]
    [InlineData("Hidden", "hidden")]
    [InlineData("OutputLayer", "output_layer")]
    [InlineData("Hidden1", "hidden1")]
    [InlineData("output", "output")]
    [InlineData("_drop", "_drop")]
    [InlineData("HTTPLayer", "http_layer")]
    public void Member_names_become_snake_case(string member, string module)
    {
        Assert.Equal(module, global::NetDsl.TensorNames.SnakeCase(member));
    }
}
