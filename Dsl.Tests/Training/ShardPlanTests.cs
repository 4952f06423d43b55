namespace NetDsl.Tests.Training;

public class ShardPlanTests
{
    [Fact]
    public void Every_smaller_batch_fits_the_workspaces_sized_for_the_largest()
    {
        for (int max = 1; max <= 300; max++)
        {
            int shards = ShardPlan.For(max).Count, rows = ShardPlan.MaxRowsPerShard(max);
            for (int batch = 1; batch <= max; batch++)
            {
                var plan = ShardPlan.For(batch);
                Assert.True(plan.Count <= shards, $"batch {batch} of max {max}: {plan.Count} shards > {shards}");
                Assert.True(plan.RowsPerShard <= rows, $"batch {batch} of max {max}: {plan.RowsPerShard} rows a shard > {rows}");
                Assert.Equal(batch, Enumerable.Range(0, plan.Count).Sum(plan.Length));
            }
        }
    }

    // The plan is the same on every machine: a rank of a distributed run, pinned to one core by its launcher,
    // must cut a batch exactly as a plain process on a 64-core machine does.
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(32, 1, 32)]
    [InlineData(33, 1, 33)]
    [InlineData(63, 1, 63)]
    [InlineData(64, 2, 32)]
    [InlineData(91, 2, 46)]
    [InlineData(128, 4, 32)]
    [InlineData(256, 8, 32)]
    [InlineData(1000, 8, 125)]
    public void A_batch_is_cut_by_its_size_alone(int rows, int shards, int rowsPerShard)
    {
        var plan = ShardPlan.For(rows);
        Assert.Equal((rows, shards, rowsPerShard), (plan.Rows, plan.Count, plan.RowsPerShard));
    }

    // A shard below 32 rows would take another path through the matrix product than a group of shards holding
    // it, and its rows other bits: the trainer's groups depend on the threads, the shards must not.
    [Fact]
    public void Every_shard_of_a_batch_cut_in_several_has_at_least_the_fewest_rows()
    {
        for (int rows = 1; rows <= 5000; rows++)
        {
            var plan = ShardPlan.For(rows);
            if (plan.Count == 1) continue;
            for (int s = 0; s < plan.Count; s++)
                Assert.True(plan.Length(s) >= ShardPlan.MinRowsPerShard, $"batch {rows}: shard {s} has {plan.Length(s)} rows");
        }
    }

    [Fact]
    public void A_trainer_takes_a_last_batch_whose_single_shard_is_larger_than_its_full_batches_shards()
    {
        // A batch of 64 is two shards of 32; a last batch of 63 is one shard of 63.
        int full = 2 * ShardPlan.MinRowsPerShard, last = full - 1;
        Assert.Equal((2, 32), (ShardPlan.For(full).Count, ShardPlan.For(full).RowsPerShard));
        var net = new OverfittingNet(seed: 1);
        using var trainer = new Trainer(net, new Sgd(0.01f), maxBatchSize: full);
        var x = Enumerable.Range(0, last).Select(i => i / (float)last).ToArray();
        Assert.True(float.IsFinite(trainer.Step(x, x)));
    }
}
