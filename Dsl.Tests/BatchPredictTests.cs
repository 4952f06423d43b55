using NetDsl.Runtime;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Predict on many rows at once: the same outputs as row by row (to the bit below Kernels.PackedFrom rows; from
/// there to float rounding: a batch runs the kernels' packed products, one row dot products), dropout off, the
/// fused output activation applied, from any number of threads at once, allocation-free after warm-up.
/// </summary>
public sealed class BatchPredictTests
{
    public static TheoryData<string> Networks() => new(Subject.WithoutDropout.Concat(Subject.WithDropout));

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_batch_gives_each_rows_outputs_as_Predict_on_that_row_does(string network) =>
        // 2 rows, then one chunk and a bit, then enough chunks for the cores.
        AssertEachRowAsAlone(network, [2, BatchInference.ChunkRows + 3, 5 * BatchInference.ChunkRows + 1], seed: 0, exact: false);

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_batch_of_fewer_rows_than_the_packed_products_take_gives_each_row_the_bits_of_Predict_on_that_row(string network) =>
        // Below Kernels.PackedFrom rows every product sums a row alike whatever its call (dot products along k; the
        // one-row Predict's row tiles form the same sums), so the bits match exactly, not just to rounding.
        AssertEachRowAsAlone(network, [2, 3, 4, 5, 9, Kernels.PackedFrom - 1], seed: 100, exact: true);

    /// <summary>
    /// Each batch's rows against Predict on the row alone: to the bit when <paramref name="exact"/>, else to float
    /// rounding (relative 1e-5).
    /// </summary>
    private static void AssertEachRowAsAlone(string network, int[] batchRows, int seed, bool exact)
    {
        var s = Subject.Create(network);
        int inputs = s.Spec.Inputs, outputs = s.Spec.Outputs;
        foreach (int rows in batchRows)
        {
            var (x, _) = TestData.For(s.Spec, rows, seed: seed + rows);
            var batch = new float[rows * outputs];
            s.Predict(x, batch);
            var one = new float[outputs];
            for (int r = 0; r < rows; r++)
            {
                s.Predict(x.AsSpan(r * inputs, inputs), one);
                for (int j = 0; j < outputs; j++)
                {
                    float expected = one[j], actual = batch[r * outputs + j];
                    bool same = exact
                        ? BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(expected)
                        : Math.Abs(actual - expected) <= 1e-5f * Math.Max(1f, Math.Abs(expected));
                    if (!same)
                        Assert.Fail($"{network}, {rows} rows: row {r}, output {j}: {actual:R} in the batch, {expected:R} alone.");
                }
            }
        }
    }

    [Fact]
    public void The_array_overload_returns_every_rows_outputs()
    {
        var net = new KernelClassifier(3);
        var (x, _) = TestData.For(NetSpec.Of(typeof(KernelClassifier)), 7, seed: 2);
        float[] all = net.Predict(x);
        Assert.Equal(7 * KernelClassifier.OutputSize, all.Length);
        var expected = new float[all.Length];
        net.Predict(x, expected);
        Assert.Equal(expected, all);
        // Softmax rows: each sums to 1.
        for (int r = 0; r < 7; r++)
            Assert.Equal(1f, all.AsSpan(r * KernelClassifier.OutputSize, KernelClassifier.OutputSize).ToArray().Sum(), 1e-5f);
    }

    [Fact]
    public void Batches_from_several_threads_at_once_give_the_bits_of_one_at_a_time()
    {
        var net = new WideClassifier(5);
        int rows = 4 * BatchInference.ChunkRows + 9;
        var (x, _) = TestData.For(NetSpec.Of(typeof(WideClassifier)), rows, seed: 4);
        var expected = new float[rows * WideClassifier.OutputSize];
        net.Predict(x, expected);
        var results = new float[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, t =>
        {
            var outputs = new float[expected.Length];
            for (int i = 0; i < 20; i++)
            {
                Array.Clear(outputs);
                net.Predict(x, outputs);
            }
            results[t] = outputs;
        });
        foreach (var outputs in results)
            Assert.Equal(expected, outputs);
    }

    [Fact]
    public void A_batch_gives_the_same_bits_on_one_thread_as_across_the_cores()
    {
        // Across the cores the batch runs in four chunks, on one thread in one: the packed products sum a row alike either way.
        var net = new KernelClassifier(4);
        int rows = 3 * BatchInference.ChunkRows + 5;
        var (x, _) = TestData.For(NetSpec.Of(typeof(KernelClassifier)), rows, seed: 6);
        float[] cores = new float[rows * KernelClassifier.OutputSize], one = new float[cores.Length];
        net.Predict(x, cores);
        try
        {
            BatchInference.MaxDegreeOfParallelism = 1;
            net.Predict(x, one);
        }
        finally
        {
            BatchInference.MaxDegreeOfParallelism = -1;
        }
        Assert.Equal(cores, one);
    }

    [Theory]
    [InlineData(nameof(KernelDropout), 3)]
    [InlineData(nameof(WideClassifier), 5 * BatchInference.ChunkRows)]
    [InlineData(nameof(PassFail), 2 * BatchInference.ChunkRows + 1)]
    public void A_batch_allocates_nothing_after_warm_up(string network, int rows)
    {
        var s = Subject.Create(network);
        var (x, _) = TestData.For(s.Spec, rows, seed: 1);
        var outputs = new float[rows * s.Spec.Outputs];
        for (int i = 0; i < 3; i++) s.Predict(x, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) s.Predict(x, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
