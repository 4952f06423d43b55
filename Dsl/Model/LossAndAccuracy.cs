using System.ComponentModel;

namespace NetDsl.Runtime;

/// <summary>
/// A training pass's <c>scale · Σ loss</c>, and its correct predictions out of those counted (rows for
/// categorical cross-entropy, outputs for binary; 0 of 0 for mean squared error).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct LossAndAccuracy(float Loss, long Correct, long Counted);
