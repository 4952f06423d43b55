namespace NetDsl.Tests.Training;

public class ProgressTests
{
    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [Fact]
    public void Fit_reports_each_epoch_end_with_its_metrics()
    {
        var x = Enumerable.Range(0, 40).Select(i => i / 40f).ToArray();
        var recorder = new Recorder();
        var history = new OverfittingNet(seed: 1).Fit(x, x, new TrainOptions { Epochs = 3, BatchSize = 8, ValidationSplit = 0.25f, Progress = recorder });
        var ends = recorder.Reports.Where(r => r.EpochEnded).ToList();
        Assert.Equal([1, 2, 3], ends.Select(r => r.Epoch));
        Assert.All(ends, r => Assert.Equal((4, 4, 3), (r.Batch, r.Batches, r.Epochs)));
        Assert.Equal(history.Loss, ends.Select(r => r.Loss));
        Assert.Equal(history.ValidationLoss, ends.Select(r => r.ValidationLoss!.Value));
    }

    [Fact]
    public void Progress_bar_writes_one_keras_style_line_per_epoch_when_not_interactive()
    {
        var text = new StringWriter();
        var bar = new ProgressBar(text, interactive: false);
        bar.Report(new TrainingProgress(1, 2, 5, 10, 0.5f, 0.8f, null, null, TimeSpan.FromSeconds(1), EpochEnded: false));
        bar.Report(new TrainingProgress(1, 2, 10, 10, 0.4f, 0.85f, 0.45f, 0.83f, TimeSpan.FromSeconds(2), EpochEnded: true));
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(
            ["Epoch 1/2", "10/10 ━━━━━━━━━━━━━━━━━━━━ 2s 200ms/step - accuracy: 0.8500 - loss: 0.4000 - val_accuracy: 0.8300 - val_loss: 0.4500"],
            lines);
    }

    [Fact]
    public void Progress_bar_redraws_in_place_with_an_eta_on_a_terminal()
    {
        var text = new StringWriter();
        var bar = new ProgressBar(text, interactive: true);
        bar.Report(new TrainingProgress(1, 1, 5, 10, 0.5f, null, null, null, TimeSpan.FromSeconds(1), EpochEnded: false));
        string shown = text.ToString();
        Assert.StartsWith("Epoch 1/1\n\r 5/10 ", shown.Replace("\r\n", "\n"));
        Assert.Contains("ETA 1s", shown);
        Assert.Contains("- loss: 0.5000", shown);
    }

    [Fact]
    public void A_progress_bar_reused_for_another_Fit_starts_afresh()
    {
        // Each Fit is one epoch numbered 1: the bar must not take the second for the first's continuation.
        var text = new StringWriter();
        var bar = new ProgressBar(text, interactive: false);
        var x = Enumerable.Range(0, 16).Select(i => i / 16f).ToArray();
        var net = new OverfittingNet(seed: 1);
        net.Fit(x, x, new TrainOptions { Progress = bar });
        net.ResetTraining();
        net.Fit(x, x, new TrainOptions { Progress = bar });
        new OverfittingNet(seed: 2).Fit(x, x, new TrainOptions { Progress = bar });
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Count(l => l.StartsWith("1/1 ")));
        Assert.Equal(3, lines.Count(l => l == "Epoch 1/1"));
    }
}
