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

    [Fact]
    public void A_trainer_takes_a_last_batch_whose_single_shard_is_larger_than_its_full_batches_shards()
    {
        // A batch of 20 is two shards of 10; a last batch of 16 is one shard of 16.
        var net = new OverfittingNet(seed: 1);
        using var trainer = new Trainer(net, new Sgd(0.01f), maxBatchSize: 20);
        var x = Enumerable.Range(0, 16).Select(i => i / 16f).ToArray();
        Assert.True(float.IsFinite(trainer.Step(x, x)));
    }
}
