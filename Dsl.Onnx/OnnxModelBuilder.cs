using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace NetDsl.Onnx;

/// <summary>
/// Turns a network into an ONNX model: per dense layer a <c>Gemm(x, W, b, transB = 1)</c> node (our
/// weights are row-major <c>[units × inputs]</c>, PyTorch's layout, so no transpose is stored) and its
/// activation node; dropout, being the identity at inference, writes nothing. One input
/// <c>input [batch, InputSize]</c> and one output <c>output [batch, OutputSize]</c>, the batch
/// dimension symbolic. The model is checked and measured before a weight is copied.
/// </summary>
internal static class OnnxModelBuilder
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const string BatchDimension = "batch";
    public const string ProducerName = "NetDsl";

    /// <summary>The most bytes one protobuf message holds; ONNX Runtime and ONNX's checker read no more.</summary>
    public const long MaximumModelBytes = int.MaxValue;

    public static ModelProto Build(INetworkModel network, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Opset is < OnnxVersions.MinimumOpset or > OnnxVersions.MaximumOpset)
            throw new ArgumentOutOfRangeException(nameof(options), options.Opset,
                $"OnnxExportOptions.Opset is {options.Opset}; NetDsl.Onnx writes opsets {OnnxVersions.MinimumOpset} to {OnnxVersions.MaximumOpset}.");
        if (!Enum.IsDefined(options.Output))
            throw new ArgumentOutOfRangeException(nameof(options), options.Output, "OnnxExportOptions.Output is not a defined OnnxOutput.");

        var (model, dense, bytes) = Measure(network, options);
        if (bytes > MaximumModelBytes)
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"{network.GetType().Name} would be an ONNX file of {bytes:N0} bytes ({bytes / (1024.0 * 1024 * 1024):0.00} GiB), " +
                $"over the {MaximumModelBytes:N0} bytes (2 GiB) one protobuf message can hold. ONNX keeps larger models' weights " +
                $"in external data files, which NetDsl.Onnx does not write; save the weights instead, or export a smaller network."));

        CopyWeights(network, dense);
        return model;
    }

    /// <summary>The size of the file the export would write, in bytes, without copying a weight.</summary>
    public static long PredictedSize(INetworkModel network, OnnxExportOptions options) => Measure(network, options).Bytes;

    private static (ModelProto Model, IReadOnlyList<DenseLayer> Dense, long Bytes) Measure(INetworkModel network, OnnxExportOptions options)
    {
        IReadOnlyList<LayerDescription> layers = network.Layers ?? throw new ArgumentException(
            $"{network.GetType().Name} does not list its layers (INetworkModel.Layers is null), so there is nothing to export: generated networks list them.",
            nameof(network));
        IReadOnlyList<DenseLayer> dense = DenseLayers(network, layers);
        ModelProto model = Skeleton(network, layers, dense, options);
        return (model, dense, SerializedSize(model, dense));
    }

    /// <summary>A dense layer, the names its parameters export under, and the tensors that will hold them.</summary>
    private sealed record DenseLayer(LayerDescription Layer, string Module)
    {
        public TensorProto Weights { get; } = Tensor(Module + ".weight", Layer.Units, Layer.Inputs);
        public TensorProto Bias { get; } = Tensor(Module + ".bias", Layer.Units);
    }

    /// <summary>The dense layers, after checking that the layers chain from InputSize to OutputSize and that their names differ in snake_case.</summary>
    private static List<DenseLayer> DenseLayers(INetworkModel network, IReadOnlyList<LayerDescription> layers)
    {
        var dense = new List<DenseLayer>();
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        int width = network.InputSize;
        string source = "the network's input";
        foreach (LayerDescription layer in layers)
        {
            if (layer.Inputs != width)
                throw new ArgumentException(
                    $"{network.GetType().Name}'s layer '{layer.Name}' takes {layer.Inputs} values, but {source} gives {width}.",
                    nameof(network));
            width = layer.Units;
            source = $"layer '{layer.Name}'";
            if (layer.Kind != LayerKind.Dense) continue;
            // The weights file's default names: nn.Linear's, under the member name in snake_case.
            string module = TensorNames.SnakeCase(layer.Name);
            if (modules.TryGetValue(module, out string? other))
                throw new ArgumentException(
                    $"{network.GetType().Name}'s layers '{other}' and '{layer.Name}' would both export as '{module}.weight': " +
                    "parameter names are the member names in snake_case, and ONNX needs them to differ. Rename one of the layers.",
                    nameof(network));
            modules.Add(module, layer.Name);
            dense.Add(new DenseLayer(layer, module));
        }
        if (dense.Count == 0)
            throw new ArgumentException($"{network.GetType().Name} has no dense layer to export.", nameof(network));
        if (width != network.OutputSize)
            throw new ArgumentException($"{network.GetType().Name}'s last layer gives {width} values, but its OutputSize is {network.OutputSize}.", nameof(network));
        return dense;
    }

    /// <summary>The whole model but the weights' bytes: graph, shapes, opset, producer and metadata.</summary>
    private static ModelProto Skeleton(INetworkModel network, IReadOnlyList<LayerDescription> layers, IReadOnlyList<DenseLayer> dense, OnnxExportOptions options)
    {
        var graph = new GraphProto
        {
            Name = network.GetType().Name,
            DocString = Describe(network, layers, options.Output),
        };
        graph.Input.Add(Value(InputName, network.InputSize, "features, one row per example"));

        string current = InputName;
        for (int i = 0; i < dense.Count; i++)
        {
            // Dropout layers are skipped: at inference a dropout layer is the identity.
            var (layer, module) = (dense[i].Layer, dense[i].Module);
            bool last = i == dense.Count - 1;
            Activation activation = layer.Activation ?? Activation.Identity;
            bool activate = activation != Activation.Identity && !(last && options.Output == OnnxOutput.Logits);

            graph.Initializer.Add(dense[i].Weights);
            graph.Initializer.Add(dense[i].Bias);

            // z = x·Wᵀ + b: Gemm's B is W as stored, [units × inputs], read transposed.
            string z = last && !activate ? OutputName : module + ".z";
            var gemm = new NodeProto { Name = module + "/Gemm", OpType = "Gemm", DocString = "z = x·Wᵀ + b" };
            gemm.Input.Add(current);
            gemm.Input.Add(dense[i].Weights.Name);
            gemm.Input.Add(dense[i].Bias.Name);
            gemm.Output.Add(z);
            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(gemm);
            if (z != OutputName) graph.ValueInfo.Add(Value(z, layer.Units, $"{layer.Name}: z = x·Wᵀ + b"));
            current = z;

            if (!activate) continue;
            string a = last ? OutputName : module + ".a";
            var node = new NodeProto { Name = $"{module}/{OperatorOf(activation)}", OpType = OperatorOf(activation), DocString = $"a = {Formula(activation)}" };
            node.Input.Add(z);
            node.Output.Add(a);
            if (activation == Activation.Softmax)
                node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
            graph.Node.Add(node);
            if (!last) graph.ValueInfo.Add(Value(a, layer.Units, $"{layer.Name}: a = {Formula(activation)}"));
            current = a;
        }
        graph.Output.Add(Value(OutputName, network.OutputSize,
            options.Output == OnnxOutput.Logits ? "the last layer's logits z, before its activation" : "what Predict returns"));

        var model = new ModelProto
        {
            IrVersion = OnnxVersions.IrVersionFor(options.Opset),
            ProducerName = ProducerName,
            ProducerVersion = ModelMetadata.NetDslVersion,
            DocString = graph.DocString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in ModelMetadata.For(network, options.Output))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>
    /// The model's size once the weights are in, without copying them: protobuf writes each nested
    /// message as a tag, its length as a varint, then its bytes, so the weights' bytes are added to the
    /// measured skeleton tensor by tensor, and the graph's length prefix grown to match.
    /// </summary>
    private static long SerializedSize(ModelProto model, IReadOnlyList<DenseLayer> dense)
    {
        long graph = model.Graph.CalculateSize();
        foreach (DenseLayer layer in dense)
        {
            graph += Grown(layer.Weights, (long)layer.Layer.Units * layer.Layer.Inputs * sizeof(float));
            graph += Grown(layer.Bias, (long)layer.Layer.Units * sizeof(float));
        }
        return model.CalculateSize() - Field(model.Graph.CalculateSize()) + Field(graph);

        // How much an initializer field (GraphProto field 5) grows when raw_data (TensorProto field 9) gets its bytes.
        static long Grown(TensorProto tensor, long dataBytes)
        {
            long empty = tensor.CalculateSize();
            return Field(empty + Field(dataBytes)) - Field(empty);
        }
    }

    /// <summary>The bytes of a length-delimited field numbered below 16: a one-byte tag, the length as a varint, the content.</summary>
    private static long Field(long length) => 1 + VarintBytes(length) + length;

    private static long VarintBytes(long value)
    {
        long bytes = 1;
        for (ulong v = (ulong)value; v >= 0x80; v >>= 7) bytes++;
        return bytes;
    }

    /// <summary>Copies each layer's weights and biases into its tensors, as little-endian float32, refusing a weight that is not finite.</summary>
    private static void CopyWeights(INetworkModel network, IReadOnlyList<DenseLayer> dense)
    {
        ReadOnlySpan<float> parameters = network.Parameters;
        foreach (var (layer, _) in dense)
        {
            if ((long)layer.Offset + layer.ParameterCount > parameters.Length)
                throw new ArgumentException(
                    $"{network.GetType().Name}'s layer '{layer.Name}' needs parameters [{layer.Offset}, {(long)layer.Offset + layer.ParameterCount}), but Parameters holds {parameters.Length}.",
                    nameof(network));
        }
        foreach (DenseLayer layer in dense)
        {
            int weights = layer.Layer.Units * layer.Layer.Inputs;
            layer.Weights.RawData = LittleEndianBytes(network, layer.Weights.Name, parameters.Slice(layer.Layer.Offset, weights), layer.Layer.Inputs);
            layer.Bias.RawData = LittleEndianBytes(network, layer.Bias.Name, parameters.Slice(layer.Layer.Offset + weights, layer.Layer.Units), 0);
        }
    }

    private static ByteString LittleEndianBytes(INetworkModel network, string tensor, ReadOnlySpan<float> values, int columns)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException(
                    $"{network.GetType().Name}'s {tensor}{Index(i, columns)} is {values[i].ToString(CultureInfo.InvariantCulture)}: an ONNX model of it would predict nothing useful, so it is not exported.",
                    nameof(network));
        }
        if (BitConverter.IsLittleEndian) return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return UnsafeByteOperations.UnsafeWrap(bytes);

        static string Index(int i, int columns) => columns == 0 ? $"[{i}]" : $"[{i / columns}, {i % columns}]";
    }

    /// <summary>A float32 initializer of the given shape, its bytes still to come.</summary>
    private static TensorProto Tensor(string name, params ReadOnlySpan<long> shape)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (long dimension in shape) tensor.Dims.Add(dimension);
        return tensor;
    }

    /// <summary>A float32 value of shape [batch, <paramref name="width"/>], the batch dimension symbolic.</summary>
    private static ValueInfoProto Value(string name, int width, string doc)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static string OperatorOf(Activation activation) => activation switch
    {
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX operator for this activation."),
    };

    private static string Formula(Activation activation) => activation switch
    {
        Activation.Sigmoid => "σ(z) = 1 / (1 + e^−z)",
        Activation.Tanh => "tanh(z)",
        Activation.Relu => "max(0, z)",
        Activation.Softmax => "softmax(z) over the units",
        _ => "z",
    };

    /// <summary>One line for the model's doc string: "NetDsl network Fashion.Classifier: 784 → 128 relu → dropout 0.2 → 10 softmax; output: what Predict returns".</summary>
    private static string Describe(INetworkModel network, IReadOnlyList<LayerDescription> layers, OnnxOutput output)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"NetDsl network {network.GetType().FullName}: {network.InputSize}");
        foreach (LayerDescription layer in layers)
        {
            text.Append(" → ");
            if (layer.Kind == LayerKind.Dropout)
                text.Append(CultureInfo.InvariantCulture, $"dropout {layer.DropoutRate}");
            else
                text.Append(CultureInfo.InvariantCulture, $"{layer.Units} {(layer.Activation ?? Activation.Identity).ToString().ToLowerInvariant()}");
        }
        text.Append(output == OnnxOutput.Logits ? "; output: the last layer's logits" : "; output: what Predict returns");
        return text.ToString();
    }
}
