using System.ComponentModel;
namespace NetDsl.Runtime;

/// <summary>
/// The source of dropout masks for one training step. A mask value depends only on the step's seed,
/// the layer, the example's row within the whole batch and the unit, so a batch split into shards
/// across any number of workers draws exactly the same masks.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct DropoutStream(ulong Seed, int FirstRow = 0)
{
    /// <summary>The stream for the rows of a shard starting at <paramref name="firstRow"/> of the batch.</summary>
    public DropoutStream ForShard(int firstRow) => this with { FirstRow = FirstRow + firstRow };

    /// <summary>
    /// Writes an inverted-dropout mask: each value is 0 with probability <paramref name="rate"/>,
    /// otherwise <c>1 / (1 − rate)</c>.
    /// </summary>
    public void Fill(Span<float> mask, int layer, int rows, int width, float rate)
    {
        float keptScale = 1f / (1f - rate);
        for (int r = 0; r < rows; r++)
        {
            var random = new SeededRandom((long)SeededRandom.Mix(Seed, (ulong)layer), FirstRow + r);
            Span<float> row = mask.Slice(r * width, width);
            for (int j = 0; j < row.Length; j++)
                row[j] = random.NextFloat() < rate ? 0f : keptScale;
        }
    }
}
