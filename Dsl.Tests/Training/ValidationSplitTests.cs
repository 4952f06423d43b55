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

    [Theory]
    [InlineData(50, 0.01f, "0.01", "50 training rows", "0.02")]
    [InlineData(30, 0.03f, "0.03", "30 training rows", "0.034")]
    [InlineData(7, 0.1f, "0.1", "7 training rows", "0.15")]
    public void A_split_too_small_to_hold_out_a_row_is_refused_with_the_smallest_that_would(int rows, float split, string shown, string of, string least)
    {
        var (x, y) = Rows(rows);
        var error = Assert.Throws<ArgumentException>(() => new OverfittingNet(seed: 1).Fit(x, y, new TrainOptions { ValidationSplit = split }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains($"A validation split of {shown} holds out no row of {of}; use at least {least}, or pass Validation", error.Message);

        // …and the suggested split does hold out a row.
        var history = new OverfittingNet(seed: 1).Fit(x, y, new TrainOptions { ValidationSplit = float.Parse(least, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.NotNull(history.Epochs[0].ValidationLoss);
    }

    [Fact]
    public void No_split_of_a_single_row_can_leave_one_to_train()
    {
        var error = Assert.Throws<ArgumentException>(() => new OverfittingNet(seed: 1).Fit([1f], [1f], new TrainOptions { ValidationSplit = 0.5f }));
        Assert.Contains("holds out no row of 1 training row", error.Message);
        Assert.Contains("pass Validation", error.Message);
    }

    [Fact]
    public void A_split_of_zero_means_no_validation()
    {
        var (x, y) = Rows(10);
        var history = new OverfittingNet(seed: 1).Fit(x, y, new TrainOptions { ValidationSplit = 0f });
        Assert.Null(history.Epochs[0].ValidationLoss);
    }

    [Theory]
    [InlineData(50, 0.02f, 1)]    // 0.02f is 0.0199999996: float arithmetic would hold out 0.99999998 rows, so none
    [InlineData(100, 0.7f, 70)]   // 0.7f is 0.699999988: 69 rows
    [InlineData(100, 0.2f, 20)]
    [InlineData(10, 0.25f, 2)]    // whole rows only: 2.5 → 2
    public void A_split_holds_out_the_decimal_fraction_the_user_wrote(int rows, float split, int held)
    {
        var (x, y) = Rows(rows);
        var net = new OverfittingNet(seed: 1);
        var history = net.Fit(x, y, new TrainOptions { Epochs = 1, ValidationSplit = split, Seed = 5, Optimizer = new Sgd(0f) });
        // With a learning rate of 0 the weights stay put, so the validation loss is the mean over the held rows.
        var losses = x.Select(v => { float d = net.Predict([v])[0] - v; return d * d; }).ToArray();
        Assert.True(AllSubsetsMatching(losses, history.Epochs[0].ValidationLoss!.Value, take: held, seed: 5),
            $"the validation loss should be the mean over {held} seeded rows");
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
