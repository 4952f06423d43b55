using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace NetDsl.Onnx;

/// <summary>
/// What a file says about the network it holds, as string pairs: the metadata a NetDsl weights file
/// carries (<c>format</c>: <c>pt</c>, the network's type name, the NetDsl version and the
/// architecture as JSON), plus what the exported output is. ONNX keeps them in <c>metadata_props</c>.
/// </summary>
internal static class ModelMetadata
{
    public static IReadOnlyList<KeyValuePair<string, string>> For(INetworkModel network, IReadOnlyList<LayerDescription> layers, OnnxOutput output) =>
    [
        new("format", "pt"),
        new("network", network.GetType().FullName ?? network.GetType().Name),
        new("netdsl_version", NetDslVersion),
        new("architecture", Architecture(network, layers)),
        new("output", output == OnnxOutput.Logits ? "logits" : "predictions"),
    ];

    /// <summary>The NetDsl runtime's version, without the source revision the SDK appends after a '+'.</summary>
    public static string NetDslVersion { get; } = ReadVersion();

    private static string ReadVersion()
    {
        Assembly runtime = typeof(INetworkModel).Assembly;
        string? version = runtime.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? runtime.GetName().Version?.ToString();
        if (version is null) return "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    /// <summary>
    /// The layers as JSON: <c>{"inputs":2,"layers":[{"name":"Hidden","kind":"dense","inputs":2,"units":3,"activation":"sigmoid"},…],"loss":"binary_cross_entropy"}</c>.
    /// </summary>
    public static string Architecture(INetworkModel network, IReadOnlyList<LayerDescription> layers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("inputs", network.InputSize);
            json.WriteStartArray("layers");
            foreach (LayerDescription layer in layers)
            {
                json.WriteStartObject();
                json.WriteString("name", layer.Name);
                if (layer.Kind == LayerKind.Dense)
                {
                    json.WriteString("kind", "dense");
                    json.WriteNumber("inputs", layer.Inputs);
                    json.WriteNumber("units", layer.Units);
                    json.WriteString("activation", Name(layer.Activation!.Value));
                }
                else
                {
                    json.WriteString("kind", "dropout");
                    json.WriteNumber("units", layer.Units);
                    json.WriteNumber("rate", double.Parse(layer.DropoutRate!.Value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("loss", Name(network.Loss));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Name(Activation activation) => activation switch
    {
        Activation.Identity => "identity",
        Activation.Sigmoid => "sigmoid",
        Activation.Tanh => "tanh",
        Activation.Relu => "relu",
        Activation.Softmax => "softmax",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not a defined Activation."),
    };

    public static string Name(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => "mean_squared_error",
        Loss.BinaryCrossEntropy => "binary_cross_entropy",
        Loss.CategoricalCrossEntropy => "categorical_cross_entropy",
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "Not a defined Loss."),
    };
}
