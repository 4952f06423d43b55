namespace NetDsl.Tests.Training;

public class ValidationSplitTests
{
    // y = x: each row's target names the row, so the held-out rows can be recognised.
    private static (float[] X, float[] Y) Rows(int count)
    {
        var x = Enumerable.Range(0, count).Select(i => (float)i).ToArray();
        return (x, (float[])x.Clone());
    }

    [Fact]
    public void A_split_holds_out_a_seeded_random_fraction_not_the_last_rows()
    {
        var (x, y) = Rows(100);
        var net = new OverfittingNet(seed: 1);
        var history = net.Fit(x, y, new TrainOptions { Epochs = 1, ValidationSplit = 0.2f, Seed = 5, Optimizer = new Sgd(0f) });

        // 20 of 100 rows validate: the validation loss is the mean of (ŷ − y)² over exactly those rows.
        var losses = x.Select(v => { float d = net.Predict([v])[0] - v; return d * d; }).ToArray();
        float validation = history.Epochs[0].ValidationLoss!.Value;
        var candidates = AllSubsetsMatching(losses, validation, take: 20, seed: 5);
        Assert.True(candidates, "the validation loss should be the mean over 20 seeded rows");
        // Keras would take rows 80–99; NetDsl's seeded pick is different.
        float lastRows = losses[80..].Average();
        Assert.NotEqual(lastRows, validation, 4);
    }

    // Recomputes the seeded split the documented way and checks the validation loss matches it.
    private static bool AllSubsetsMatching(float[] losses, float validation, int take, long seed)
    {
        var order = Enumerable.Range(0, losses.Length).ToArray();
        new SeededRandom(seed, -1).Shuffle(order);
        var held = order[^take..];
        double mean = held.Select(i => (double)losses[i]).Average();
        return Math.Abs(mean - validation) <= 1e-4 * Math.Max(1, Math.Abs(mean));
    }

    [Fact]
    public void The_same_seed_holds_out_the_same_rows()
    {
        var (x, y) = Rows(60);
        float Run(long seed) => new OverfittingNet(seed: 1).Fit(x, y,
            new TrainOptions { Epochs = 2, ValidationSplit = 0.25f, Seed = seed }).Epochs[^1].ValidationLoss!.Value;
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void A_split_outside_zero_to_one_is_rejected(float split)
    {
        var (x, y) = Rows(10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OverfittingNet(seed: 1).Fit(x, y, new TrainOptions { ValidationSplit = split }));
        Assert.Equal("ValidationSplit", error.ParamName);
    }

    [Fact]
    public void Given_validation_data_is_checked_like_training_data()
    {
        var (x, y) = Rows(10);
        var error = Assert.Throws<ArgumentException>(() => new OverfittingNet(seed: 1).Fit(x, y,
            new TrainOptions { Validation = new ValidationData([1f, 2f, 3f], [1f, 2f]) }));
        Assert.Contains("Expected 3 target values", error.Message);
    }
}
