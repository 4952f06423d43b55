using System.ComponentModel;
namespace NetDsl.Runtime;

/// <summary>
/// The scratch a network needs for one batch (activations, deltas, dropout masks), allocated once
/// so that a training step allocates nothing. Each parallel worker owns one.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class NetworkWorkspace(int maxRows)
{
    /// <summary>The largest batch this workspace holds.</summary>
    public int MaxRows { get; } = maxRows > 0 ? maxRows
        : throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "A workspace needs room for at least one row.");

    /// <summary>
    /// Where the last pass left the values the loss reads (logits for the cross-entropies,
    /// outputs for mean squared error), row-major [MaxRows × outputs].
    /// </summary>
    public abstract float[] LossInputs { get; }

    /// <summary>
    /// The operands of dense layer <paramref name="layer"/>'s weight gradient dW = δᵀ·x after a training pass given
    /// no gradient (which then leaves the weight gradients to its caller): the layer's δ, row-major [rows × units],
    /// and the rows it read, [rows × inputs] (null: the network's inputs). A trainer that cuts a batch into shards
    /// then takes each weight gradient once over all of them. Null (the default) when the network computes every
    /// weight gradient itself: the trainer then passes each shard a gradient of its own.
    /// </summary>
    /// <param name="layer">The layer's index in <see cref="INetworkModel.Layers"/>.</param>
    public virtual (float[]? Inputs, float[] Deltas)? WeightGradientOperands(int layer) => null;

    /// <summary>Throws unless <paramref name="rows"/> fits.</summary>
    public void EnsureRows(int rows)
    {
        if (rows > MaxRows)
            throw new ArgumentException($"This workspace holds at most {MaxRows} rows; got a batch of {rows}.", nameof(rows));
    }
}
