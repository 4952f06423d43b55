namespace NetDsl.Runtime;

/// <summary>
/// The cores for <see cref="BatchInference"/>: one process-wide pool of threads, used by one batch at a time. A
/// batch that finds it busy (another thread's batch has it) runs on its own thread instead of waiting. The batch's
/// spans are pinned for the call and handed to the workers as pointers, so nothing is allocated per call.
/// </summary>
internal static unsafe class ParallelBatch
{
    private static readonly object Gate = new();
    private static WorkerPool? s_pool;
    private static readonly Action<int> Body = RunChunk;
    private static INetworkModel? s_network;
    private static float* s_inputs, s_outputs;
    private static int s_inputLength, s_outputLength, s_rows, s_chunkRows;

    public static bool TryRun(INetworkModel network, ReadOnlySpan<float> inputs, Span<float> outputs, int rows, int chunkRows, int chunks)
    {
        if (Environment.ProcessorCount < 2 || !Monitor.TryEnter(Gate))
            return false;
        try
        {
            s_pool ??= new WorkerPool(Environment.ProcessorCount);
            fixed (float* x = inputs)
            fixed (float* y = outputs)
            {
                s_network = network;
                s_inputs = x;
                s_outputs = y;
                s_inputLength = inputs.Length;
                s_outputLength = outputs.Length;
                s_rows = rows;
                s_chunkRows = chunkRows;
                try
                {
                    s_pool.Run(chunks, Body);
                }
                finally
                {
                    s_network = null;
                    s_inputs = s_outputs = null;
                }
            }
            return true;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void RunChunk(int chunk) =>
        BatchInference.RunChunk(s_network!, new ReadOnlySpan<float>(s_inputs, s_inputLength), new Span<float>(s_outputs, s_outputLength), s_rows, s_chunkRows, chunk);
}
