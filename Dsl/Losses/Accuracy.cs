using System.ComponentModel;
using System.Runtime.CompilerServices;
namespace NetDsl.Runtime;

/// <summary>Counts correct predictions from the values the loss reads (logits for classifiers).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Accuracy
{
    /// <summary>
    /// Categorical: the arg-max class matches the target's; binary: each output's side of 0.5 matches.
    /// Returns (correct, counted); counted is 0 for mean squared error, which has no accuracy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    public static (long Correct, long Counted) Count(Loss loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int width)
    {
        long correct = 0;
        switch (loss)
        {
            case Loss.CategoricalCrossEntropy:
                for (int row = 0; row < outputs.Length; row += width)
                    if (ArgMax(outputs.Slice(row, width)) == ArgMax(targets.Slice(row, width))) correct++;
                return (correct, outputs.Length / width);
            case Loss.BinaryCrossEntropy:
                // σ(z) > 0.5 exactly when the logit z > 0.
                for (int i = 0; i < outputs.Length; i++)
                    if (outputs[i] > 0f == targets[i] > 0.5f) correct++;
                return (correct, outputs.Length);
            case Loss.MeanSquaredError:
                return (0, 0);
            default:
                throw Losses.Undefined(loss);
        }
    }

    /// <summary>Whether <paramref name="loss"/> has an accuracy: the cross-entropies do, mean squared error does not.</summary>
    public static bool Has(Loss loss) => loss switch
    {
        Loss.MeanSquaredError => false,
        Loss.BinaryCrossEntropy or Loss.CategoricalCrossEntropy => true,
        _ => throw Losses.Undefined(loss),
    };

    /// <summary>The index of the largest value (the first, on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
