namespace NetDsl;

/// <summary>Held-out examples to measure after each epoch: row-major inputs and targets, like Fit's.</summary>
public sealed record ValidationData(float[] Inputs, float[] Targets);
