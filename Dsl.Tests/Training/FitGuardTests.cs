namespace NetDsl.Tests.Training;

/// <summary>Two Fits on one network at once would interleave their updates: the second is refused.</summary>
public class FitGuardTests
{
    private sealed class OnReport(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    [Fact]
    public void A_second_Fit_on_the_same_network_while_one_runs_is_refused()
    {
        // Deterministic: the second Fit starts from inside the first, in its end-of-epoch report.
        var net = new ThreeClasses(seed: 1);
        var other = new ThreeClasses(seed: 2);
        var (x, y) = TrainingTests.Blobs(30, seed: 1);
        Exception? nested = null;
        TrainingHistory? otherHistory = null;
        var progress = new OnReport(p =>
        {
            if (!p.EpochEnded || p.Epoch != 1) return;
            nested = Record.Exception(() => net.Fit(x, y));
            otherHistory = other.Fit(x, y); // another network is another training
        });
        var history = net.Fit(x, y, new TrainOptions { Epochs = 2, Progress = progress });

        var e = Assert.IsType<InvalidOperationException>(nested);
        Assert.StartsWith("Fit is already running on this network; ", e.Message);
        Assert.Equal(2, history.Epochs.Count); // the first Fit carried on
        Assert.Single(otherHistory!.Epochs);
        Assert.Single(net.Fit(x, y).Epochs); // released when it returned
    }

    [Fact]
    public void The_guard_is_released_when_Fit_throws()
    {
        var net = new ThreeClasses(seed: 1);
        var (x, y) = TrainingTests.Blobs(30, seed: 1);
        Assert.Throws<OperationCanceledException>(() => net.Fit(x, y,
            new TrainOptions { Epochs = 3, Progress = new OnReport(_ => throw new OperationCanceledException("stop")) }));
        Assert.Throws<ArgumentException>(() => net.Fit(x, new float[3]));
        Assert.Single(net.Fit(x, y).Epochs);
    }
}
