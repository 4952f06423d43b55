namespace NetDsl.Onnx;

/// <summary>What the exported model's <c>output</c> holds.</summary>
public enum OnnxOutput
{
    /// <summary>
    /// What <c>Predict</c> returns: the last layer's activation applied — probabilities for a softmax or
    /// sigmoid output. The default.
    /// </summary>
    Predictions,

    /// <summary>
    /// The last dense layer's <c>z = x·Wᵀ + b</c>, before its activation: the logits the cross-entropy
    /// losses read. For an identity output it is the same as <see cref="Predictions"/>.
    /// </summary>
    Logits,
}
