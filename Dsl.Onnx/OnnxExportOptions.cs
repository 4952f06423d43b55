namespace NetDsl.Onnx;

/// <summary>How <see cref="OnnxExportExtensions.ExportOnnx(INetworkModel, string, OnnxExportOptions?)"/> writes a network.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The oldest opset the exporter writes, and its default: ONNX 1.12's, which ONNX Runtime has run since 1.12.</summary>
    public const int MinimumOpset = OnnxVersions.MinimumOpset;

    /// <summary>The newest opset the exporter writes: the newest ONNX Runtime 1.31 supports.</summary>
    public const int MaximumOpset = OnnxVersions.MaximumOpset;

    /// <summary>
    /// The <c>ai.onnx</c> opset the model imports, from <see cref="MinimumOpset"/> (17, the default) to
    /// <see cref="MaximumOpset"/>. The graph is the same at every opset (Gemm, Sigmoid, Tanh, Relu and
    /// Softmax have not changed since opset 14); a newer one only raises the IR version the file
    /// declares, for tools that want it.
    /// </summary>
    public int Opset { get; init; } = MinimumOpset;

    /// <summary>Probabilities as <c>Predict</c> returns them (the default), or the last layer's logits.</summary>
    public OnnxOutput Output { get; init; } = OnnxOutput.Predictions;
}
