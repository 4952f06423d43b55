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

    /// <summary>Throws unless <paramref name="rows"/> fits.</summary>
    public void EnsureRows(int rows)
    {
        if (rows > MaxRows)
            throw new ArgumentException($"This workspace holds at most {MaxRows} rows; got a batch of {rows}.", nameof(rows));
    }
}
