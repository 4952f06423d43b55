namespace NetDsl.Runtime;

/// <summary>
/// One shard's operands of a dense layer's weight gradient dW = δᵀ·x: its deltas δ, row-major
/// [<paramref name="Rows"/> × units] from <paramref name="DeltaStart"/> in <paramref name="Deltas"/>, and its input
/// rows x, [<paramref name="Rows"/> × inputs] from <paramref name="InputStart"/> in <paramref name="Inputs"/>.
/// </summary>
internal readonly record struct ShardOperands(float[] Deltas, int DeltaStart, float[] Inputs, int InputStart, int Rows);
