using System.Numerics.Tensors;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// A trainer that takes the weight gradients once over a batch's shards, split by units: used when every layer
/// with weights runs on the kernels, and giving the bits of each shard's own gradient added in shard order (what a
/// distributed run's processes add), on one thread or two.
/// </summary>
public sealed class WeightGradientSplitTests
{
    [Fact]
    public void Networks_on_the_kernels_split_and_networks_with_an_unrolled_layer_keep_a_gradient_per_shard()
    {
        using var kernels = new Trainer(new DropoutOnKernels(1), new Sgd(0.1f), maxBatchSize: 256);
        using var unrolled = new Trainer(new DeepMixed(1), new Sgd(0.1f), maxBatchSize: 256);
        using var oneShard = new Trainer(new DropoutOnKernels(1), new Sgd(0.1f), maxBatchSize: 32);
        Assert.True(kernels.SplitsWeightGradients);
        Assert.False(unrolled.SplitsWeightGradients);
        Assert.False(oneShard.SplitsWeightGradients); // a batch of one shard writes its gradient where it goes
    }

    [Theory]
    [InlineData(256, 1)] // 8 shards of 32
    [InlineData(256, 2)]
    [InlineData(97, 2)]  // 3 shards: 32, 32 and 33 rows
    [InlineData(64, 1)]  // 2 shards of 32
    public void The_split_gradient_has_the_bits_of_the_shards_gradients_added_in_order(int rows, int threads)
    {
        var (x, y) = TestData.For(NetSpec.Of(typeof(DropoutOnKernels)), rows, seed: 9);
        const ulong seed = 42;
        var net = new DropoutOnKernels(3);
        using var trainer = new Trainer(net, new Sgd(0f), rows, threads);
        Assert.True(trainer.SplitsWeightGradients);
        trainer.Step(x, y, seed);

        var expected = ShardByShard(new DropoutOnKernels(3), x, y, rows, seed);
        var actual = trainer.LastGradient;
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"Parameter {i}: the split gradient is {actual[i]:R}, the shards added in order give {expected[i]:R}.");
    }

    // The generated pass on each shard's rows with a gradient of its own, then the shards added in order.
    private static float[] ShardByShard(INetworkModel net, float[] x, float[] y, int rows, ulong seed)
    {
        var plan = ShardPlan.For(rows);
        float scale = Losses.MeanScale(net.Loss, rows, net.OutputSize);
        var total = new float[net.Parameters.Length];
        var shard = new float[net.Parameters.Length];
        var workspace = net.CreateWorkspace(plan.RowsPerShard);
        for (int s = 0; s < plan.Count; s++)
        {
            int start = plan.Start(s), length = plan.Length(s);
            net.ComputeLossAndGradient(x.AsSpan(start * net.InputSize, length * net.InputSize), y.AsSpan(start * net.OutputSize, length * net.OutputSize),
                length, scale, s == 0 ? total : shard, workspace, new DropoutStream(seed).ForShard(start));
            if (s > 0) TensorPrimitives.Add(total, shard, total);
        }
        return total;
    }
}
