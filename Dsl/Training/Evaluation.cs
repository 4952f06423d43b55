using System.ComponentModel;
namespace NetDsl.Runtime;

/// <summary>Loss and accuracy of a network on a data set, in inference mode (no dropout).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Evaluation
{
    private const int ChunkRows = 256;

    /// <summary>The mean loss, reduced as in training, and the accuracy for classifiers.</summary>
    public static EvaluationResult Evaluate(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(network);
        int rows = DataChecks.DataSet(network.Loss, inputs, targets, network.InputSize, network.OutputSize);
        var workspace = network.CreateWorkspace(Math.Min(rows, ChunkRows));
        return Evaluate(network, inputs, targets, rows, workspace);
    }

    internal static EvaluationResult Evaluate(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, NetworkWorkspace workspace)
    {
        int inputSize = network.InputSize, width = network.OutputSize;
        float scale = Losses.MeanScale(network.Loss, rows, width);
        double loss = 0;
        long correct = 0, counted = 0;
        for (int start = 0; start < rows; start += workspace.MaxRows)
        {
            int n = Math.Min(workspace.MaxRows, rows - start);
            var outputs = network.ComputeLossInputs(inputs.Slice(start * inputSize, n * inputSize), n, workspace);
            var chunkTargets = targets.Slice(start * width, n * width);
            loss += Losses.Compute(network.Loss, outputs, chunkTargets, width, scale, []);
            var (c, total) = Accuracy.Count(network.Loss, outputs, chunkTargets, width);
            correct += c;
            counted += total;
        }
        return new EvaluationResult((float)loss, counted == 0 ? null : (float)correct / counted);
    }
}
