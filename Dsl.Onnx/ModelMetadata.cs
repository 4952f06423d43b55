using System.Buffers;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NetDsl.Onnx;

/// <summary>
/// What a file says about the network it holds, as string pairs: the metadata a NetDsl weights file
/// carries — <c>format</c>: <c>pt</c>, <c>netdsl.type</c>, <c>netdsl.version</c> and
/// <c>netdsl.architecture</c> as JSON, in the same keys and shape — plus <c>netdsl.output</c>, what the
/// exported output is. ONNX keeps them in <c>metadata_props</c>.
/// </summary>
internal static class ModelMetadata
{
    public const string TypeKey = "netdsl.type", VersionKey = "netdsl.version", ArchitectureKey = "netdsl.architecture", OutputKey = "netdsl.output";

    public static IReadOnlyList<KeyValuePair<string, string>> For(INetworkModel network, IReadOnlyList<LayerDescription> layers, OnnxOutput output) =>
    [
        new("format", "pt"),
        new(TypeKey, network.GetType().FullName ?? network.GetType().Name),
        new(VersionKey, NetDslVersion),
        new(ArchitectureKey, Architecture(network, layers)),
        new(OutputKey, output == OnnxOutput.Logits ? "logits" : "predictions"),
    ];

    /// <summary>The NetDsl runtime's version, without the source revision the SDK appends after a '+'.</summary>
    public static string NetDslVersion { get; } = ReadVersion();

    private static string ReadVersion()
    {
        Assembly runtime = typeof(INetworkModel).Assembly;
        string? version = runtime.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? runtime.GetName().Version?.ToString(3);
        if (version is null) return "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    /// <summary>
    /// The layers as compact JSON, as the weights file writes them: <c>{"inputs":2,"outputs":1,"loss":"BinaryCrossEntropy",
    /// "layers":[{"name":"Hidden","kind":"Dense","inputs":2,"units":3,"activation":"Sigmoid","weight":"hidden.weight","bias":"hidden.bias"},…]}</c>;
    /// a dropout layer has its <c>rate</c> instead of an activation and tensor names.
    /// </summary>
    public static string Architecture(INetworkModel network, IReadOnlyList<LayerDescription> layers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("inputs", network.InputSize);
            json.WriteNumber("outputs", network.OutputSize);
            json.WriteString("loss", Name(network.Loss));
            json.WriteStartArray("layers");
            foreach (LayerDescription layer in layers)
            {
                json.WriteStartObject();
                json.WriteString("name", layer.Name);
                json.WriteString("kind", layer.Kind == LayerKind.Dense ? "Dense" : "Dropout");
                json.WriteNumber("inputs", layer.Inputs);
                json.WriteNumber("units", layer.Units);
                if (layer.Kind == LayerKind.Dense)
                {
                    string module = TensorNames.Module(layer.Name);
                    json.WriteString("activation", Name(layer.Activation ?? Activation.Identity));
                    json.WriteString("weight", TensorNames.Weight(module));
                    json.WriteString("bias", TensorNames.Bias(module));
                }
                else
                {
                    json.WriteNumber("rate", layer.DropoutRate ?? 0f);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The activation's name as declared (<c>Relu</c>), spelled out so trimming cannot change it.</summary>
    public static string Name(Activation activation) => activation switch
    {
        Activation.Identity => "Identity",
        Activation.Sigmoid => "Sigmoid",
        Activation.Tanh => "Tanh",
        Activation.Relu => "Relu",
        Activation.Softmax => "Softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a defined Activation."),
    };

    /// <summary>The loss's name as declared (<c>CategoricalCrossEntropy</c>).</summary>
    public static string Name(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => "MeanSquaredError",
        Loss.BinaryCrossEntropy => "BinaryCrossEntropy",
        Loss.CategoricalCrossEntropy => "CategoricalCrossEntropy",
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Not a defined Loss."),
    };
}
