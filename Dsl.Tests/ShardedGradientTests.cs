using System.Numerics.Tensors;
using CsCheck;
using NetDsl.Simd;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// A weight gradient taken once over a batch's shards, split by units or by columns (<see cref="Kernels.ShardedTransposedMultiply(ReadOnlySpan{ShardOperands}, int, int, int, int, Span{float}, int, int)"/>),
/// against what each shard computing its own gradient and the shards added in order gives: the same bits, on every
/// path and blocking, for any split of the units or the columns, shards short or longer than a depth block, and empty ones.
/// </summary>
public sealed class ShardedGradientTests
{
    private static readonly (SimdWidth Width, KernelBlocking Blocking)[] Paths =
    [
        (SimdWidth.Vector512, KernelBlocking.Large), (SimdWidth.Vector512, KernelBlocking.Small),
        (SimdWidth.Vector256, KernelBlocking.Large), (SimdWidth.Vector256, KernelBlocking.Small),
        (SimdWidth.Vector128, KernelBlocking.Large), (SimdWidth.Vector128, KernelBlocking.Small),
        (SimdWidth.Scalar, KernelBlocking.Large),
    ];

    [Fact]
    public void Each_slab_of_units_and_columns_has_the_bits_of_the_shards_gradients_added_in_order_and_leaves_the_other_columns()
    {
        var available = Paths.Where(p => Lanes.IsHardwareAccelerated(p.Width)).ToArray();
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 600], Gen.Int[1, 8].SelectMany(count => Gen.Int[0, 45].Array[count]), Gen.Int[0, 1000])
            .Sample((units, n, rows, seed) =>
            {
                var shards = Shards(units, n, rows, seed);
                var random = new Random(seed);
                int firstUnit = random.Next(units), m = 1 + random.Next(units - firstUnit);
                // Half the slabs take whole rows (the default column range), half a random range of columns.
                bool wholeRows = random.Next(2) == 0;
                int firstColumn = wholeRows ? 0 : random.Next(n), columns = wholeRows ? n : 1 + random.Next(n - firstColumn);
                foreach (var (width, blocking) in available)
                {
                    var expected = ShardByShard(width, blocking, shards, units, n);
                    var slab = new float[m * n];
                    slab.AsSpan().Fill(float.NaN); // what lies outside the columns must stay
                    if (wholeRows)
                        Kernels.ShardedTransposedMultiply(width, blocking, shards, units, firstUnit, m, n, slab);
                    else
                        Kernels.ShardedTransposedMultiply(width, blocking, shards, units, firstUnit, m, n, slab, firstColumn, columns);
                    string what = $"{width}/{blocking}, units {units} [{firstUnit}, {firstUnit + m}), columns [{firstColumn}, {firstColumn + columns}) of {n}, rows [{string.Join(", ", rows)}]";
                    for (int i = 0; i < m; i++)
                    {
                        AssertBits(expected.AsSpan((firstUnit + i) * n + firstColumn, columns), slab.AsSpan(i * n + firstColumn, columns), $"{what}, row {i}");
                        Assert.True(slab.AsSpan(i * n, firstColumn).ToArray().All(float.IsNaN), $"{what}: row {i} was written left of the columns.");
                        Assert.True(slab.AsSpan(i * n + firstColumn + columns, n - firstColumn - columns).ToArray().All(float.IsNaN), $"{what}: row {i} was written right of the columns.");
                    }
                }
            }, iter: 300);
    }

    [Fact]
    public void Shards_longer_than_a_depth_block_sum_whole_before_they_are_added()
    {
        // 300 and 200 rows: the product kernel takes them in blocks of 128, carrying each block's sum on in C.
        var shards = Shards(units: 20, n: 37, rows: [300, 200, 5], seed: 3);
        var expected = ShardByShard(Lanes.WidestFor(37), Kernels.MachineBlocking, shards, 20, 37);
        var actual = new float[20 * 37];
        Kernels.ShardedTransposedMultiply(shards, 20, 0, 20, 37, actual);
        AssertBits(expected, actual, "long shards");
    }

    [Fact]
    public void A_layer_of_1024_units_copies_its_deltas_compact_and_keeps_the_bits()
    {
        // δ's steps 4 KB apart: each shard's block is copied compact before the tiles read it.
        var shards = Shards(units: 1024, n: 37, rows: [40, 33, 0, 7], seed: 5);
        foreach (SimdWidth width in new[] { SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128 }.Where(Lanes.IsHardwareAccelerated))
            foreach (var blocking in new[] { KernelBlocking.Large, KernelBlocking.Small })
            {
                var expected = ShardByShard(width, blocking, shards, 1024, 37);
                var slab = new float[600 * 37];
                Kernels.ShardedTransposedMultiply(width, blocking, shards, 1024, 100, 600, 37, slab);
                AssertBits(expected.AsSpan(100 * 37, 600 * 37), slab, $"{width}/{blocking}, 1024 units");
            }
    }

    [Fact]
    public void The_bias_gradient_adds_each_shards_row_sum_in_order()
    {
        Gen.Select(Gen.Int[1, 80], Gen.Int[1, 8].SelectMany(count => Gen.Int[0, 45].Array[count]), Gen.Int[0, 1000]).Sample((units, rows, seed) =>
        {
            var shards = Shards(units, 3, rows, seed);
            var expected = new float[units];
            var shard = new float[units];
            for (int s = 0; s < shards.Length; s++)
            {
                Kernels.SumRows(shards[s].Deltas.AsSpan(shards[s].DeltaStart), s == 0 ? expected : shard, shards[s].Rows, units);
                if (s > 0) TensorPrimitives.Add(expected, shard, expected);
            }
            var actual = new float[units];
            Kernels.ShardedSumRows(shards, units, actual, new float[units]);
            AssertBits(expected, actual, $"units {units}, rows [{string.Join(", ", rows)}]");
        }, iter: 150);
    }

    // The inputs of each shard sit at an offset in one buffer, as the first layer's rows do in the trainer's staged batch.
    private static ShardOperands[] Shards(int units, int n, int[] rows, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[rows.Sum() * n + 5];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        var shards = new ShardOperands[rows.Length];
        int start = 0;
        for (int s = 0; s < rows.Length; s++)
        {
            // Each shard's δ at an offset of its own too, as a group of shards shares a workspace.
            int deltaStart = random.Next(3) * units;
            var deltas = new float[deltaStart + rows[s] * units + random.Next(3)];
            for (int i = 0; i < deltas.Length; i++) deltas[i] = (float)(random.NextDouble() * 2 - 1) * (i % 7 == 0 ? 1e3f : 1f);
            shards[s] = new ShardOperands(deltas, deltaStart, inputs, start, rows[s]);
            start += rows[s] * n;
        }
        return shards;
    }

    // What a process of a distributed run does: each shard's own dW = δᵀ·x, then the shards added in order.
    private static float[] ShardByShard(SimdWidth width, KernelBlocking blocking, ShardOperands[] shards, int units, int n)
    {
        var total = new float[units * n];
        var shard = new float[units * n];
        for (int s = 0; s < shards.Length; s++)
        {
            var (deltas, deltaStart, inputs, start, rows) = shards[s];
            Kernels.TransposedMultiply(width, blocking, deltas.AsSpan(deltaStart), inputs.AsSpan(start), s == 0 ? total : shard, units, n, rows);
            if (s > 0) TensorPrimitives.Add(total, shard, total);
        }
        return total;
    }

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, where the shards added in order give {expected[i]:R}.");
    }
}
