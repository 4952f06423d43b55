using NetDsl.Runtime;

namespace NetDsl.Onnx;

/// <summary>
/// What an exported model says about the network it holds: the metadata of a NetDsl weights file —
/// <c>format</c>: <c>pt</c>, <c>netdsl.type</c>, <c>netdsl.version</c>, <c>netdsl.architecture</c>, written
/// by the same code — plus <c>netdsl.output</c>, what the exported output is. ONNX keeps them in
/// <c>metadata_props</c>.
/// </summary>
internal static class ModelMetadata
{
    public const string OutputKey = "netdsl.output";

    public static IReadOnlyList<KeyValuePair<string, string>> For(INetworkModel network, OnnxOutput output) =>
    [
        .. WeightsFile.Metadata(network, TensorNames.For(network, new WeightsOptions())),
        new(OutputKey, output == OnnxOutput.Logits ? "logits" : "predictions"),
    ];

    /// <summary>The NetDsl runtime's version, as the weights file records it.</summary>
    public static string NetDslVersion => WeightsFile.Version;
}
