using System.ComponentModel;

namespace NetDsl.Runtime;

/// <summary>
/// Predict on more than one row: the generated Predict hands such batches here. They run through the network's
/// batched forward pass (the one Evaluate uses: the matrix kernels, dropout off) in equal chunks of at most
/// <see cref="ChunkRows"/> rows across the cores, when there are several such chunks and no other batch has them,
/// or else on the caller's thread in chunks of at most <see cref="SerialChunkRows"/>; then the output activation the
/// loss fuses in training is applied. Each thread keeps a workspace per network
/// type, so once a thread has run a network's batch, Predict allocates nothing there again. The inputs are checked
/// finite chunk by chunk, by the first layer's product as it reads them where it can (<see cref="FusedInputCheck"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class BatchInference
{
    /// <summary>
    /// The most rows per chunk when the cores share a batch. A batch is cut into as few chunks as hold it, of equal
    /// size (give or take a row), so a batch of several chunks has at least 64 rows in each: enough for the kernels'
    /// packed products, which sum a row alike whatever the rows around it. So a row gets the same bits however the
    /// batch is cut and run; they differ only between batches under <see cref="Kernels.PackedFrom"/> rows (always
    /// one chunk) and larger ones.
    /// </summary>
    internal const int ChunkRows = 128;

    /// <summary>
    /// The most rows per chunk on one thread: fewer chunks, so each layer's weights are packed for the products
    /// fewer times (a 784-128 layer's pack is about a twentieth of a 128-row chunk's time).
    /// </summary>
    internal const int SerialChunkRows = 512;

    /// <summary>
    /// 1 keeps every batch on its caller's thread (the one-thread inference benchmarks set it); any other value
    /// lets a batch of several chunks use the cores.
    /// </summary>
    internal static int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>
    /// Runs <paramref name="rows"/> rows of <paramref name="inputs"/> (their shape checked by the caller) into
    /// <paramref name="outputs"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite, named by its row and column. Chunks before it
    /// may have written their outputs.</exception>
    public static void Run(INetworkModel network, ReadOnlySpan<float> inputs, Span<float> outputs, int rows)
    {
        ArgumentNullException.ThrowIfNull(network);
        var (chunkRows, chunks) = Cut(rows, ChunkRows);
        if (chunks > 1 && MaxDegreeOfParallelism != 1 && ParallelBatch.TryRun(network, inputs, outputs, rows, chunkRows, chunks))
            return;
        (chunkRows, chunks) = Cut(rows, SerialChunkRows);
        for (int chunk = 0; chunk < chunks; chunk++)
            RunChunk(network, inputs, outputs, rows, chunkRows, chunk);
    }

    /// <summary>As few chunks of at most <paramref name="most"/> rows as hold <paramref name="rows"/>, of equal size give or take a row.</summary>
    private static (int ChunkRows, int Chunks) Cut(int rows, int most)
    {
        int chunks = (rows + most - 1) / most;
        int chunkRows = (rows + chunks - 1) / chunks;
        return (chunkRows, (rows + chunkRows - 1) / chunkRows);
    }

    /// <summary>
    /// Rows chunk·<paramref name="chunkRows"/> on: the forward pass, its inputs checked finite, its outputs copied out,
    /// the fused activation applied.
    /// </summary>
    internal static void RunChunk(INetworkModel network, ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int chunkRows, int chunk)
    {
        int start = chunk * chunkRows, count = Math.Min(chunkRows, rows - start);
        int inputSize = network.InputSize, outputSize = network.OutputSize;
        NetworkWorkspace workspace = Workspaces.For(network, count);
        ReadOnlySpan<float> chunkInputs = inputs.Slice(start * inputSize, count * inputSize);
        ReadOnlySpan<float> lossInputs;
        FusedInputCheck.Verdict verdict;
        fixed (float* pinned = chunkInputs)
        {
            // The first layer's product checks the inputs as it reads them, if it can; else they are checked below.
            FusedInputCheck.Begin(pinned, chunkInputs.Length);
            try
            {
                lossInputs = network.ComputeLossInputs(chunkInputs, count, workspace);
            }
            finally
            {
                verdict = FusedInputCheck.End();
            }
        }
        // Unchecked, or a sum that is not finite (a non-finite input, or rarely finite ones whose sum overflows): the
        // exact check, which names the first non-finite input of the whole batch by its row and column.
        if (verdict != FusedInputCheck.Verdict.Finite && !DataChecks.AllFinite(chunkInputs))
            DataChecks.Finite(inputs, inputSize, "inputs");
        Span<float> target = outputs.Slice(start * outputSize, count * outputSize);
        lossInputs.CopyTo(target);
        ApplyFusedActivation(network.Loss, target, outputSize);
    }

    /// <summary>
    /// The output activation that training fuses into <paramref name="loss"/> (its forward pass stops at the logits),
    /// as the one-row Predict applies it: softmax for categorical cross-entropy, the sigmoid for binary.
    /// </summary>
    internal static void ApplyFusedActivation(Loss loss, Span<float> outputs, int width)
    {
        switch (loss)
        {
            case Loss.CategoricalCrossEntropy: Activations.Softmax(outputs, outputs, width); break;
            case Loss.BinaryCrossEntropy when width <= InlineOutputs:
                // The formula the one-row Predict writes inline for so few outputs, so each row has its bits.
                foreach (ref float z in outputs) z = 1f / (1f + MathF.Exp(-z));
                break;
            case Loss.BinaryCrossEntropy: Activations.Sigmoid(outputs, outputs); break;
        }
    }

    /// <summary>
    /// Up to this many outputs the generated one-row Predict applies an elementwise output activation inline, one
    /// output at a time (the generator's unrolling limit), and the batched path does the same.
    /// </summary>
    internal const int InlineOutputs = 64;

    /// <summary>Each thread's batch workspaces, one per network type it has run (a few at most are kept), each as large as the largest chunk it ran.</summary>
    private static class Workspaces
    {
        private const int Kept = 4;

        [ThreadStatic] private static Type?[]? t_types;
        [ThreadStatic] private static NetworkWorkspace?[]? t_workspaces;
        [ThreadStatic] private static int t_next;

        public static NetworkWorkspace For(INetworkModel network, int rows)
        {
            Type type = network.GetType();
            Type?[] types = t_types ??= new Type?[Kept];
            NetworkWorkspace?[] workspaces = t_workspaces ??= new NetworkWorkspace?[Kept];
            for (int i = 0; i < Kept; i++)
            {
                if (types[i] == type)
                    return workspaces[i]!.MaxRows >= rows ? workspaces[i]! : workspaces[i] = network.CreateWorkspace(Math.Max(rows, ChunkRows));
            }

            // A network type this thread has not run (or not lately): replace the oldest.
            int slot = t_next;
            t_next = (slot + 1) % Kept;
            types[slot] = type;
            return workspaces[slot] = network.CreateWorkspace(Math.Max(rows, ChunkRows));
        }
    }
}
