namespace NetDsl.Tests.Training;

/// <summary>The callback seam: what Fit calls, when, in which order, with what; and stopping from a callback.</summary>
public class CallbackTests
{
    /// <summary>Writes down every hook call, with what it was given.</summary>
    private sealed class Recorder(List<string>? shared = null, string name = "") : Callback
    {
        public List<string> Calls { get; } = shared ?? [];
        public List<BatchResult> Batches { get; } = [];
        public List<EpochResult> Epochs { get; } = [];
        public List<int> HistoryCounts { get; } = [];
        public float[]? ParametersAtEnd { get; private set; }

        public override void OnTrainBegin(TrainingContext context) =>
            Calls.Add($"{name}train begin {context.FirstEpoch}..{context.LastEpoch}, {context.Batches} batches of {context.TrainingRows} rows, {context.ValidationRows} validating");

        public override void OnEpochBegin(TrainingContext context, int epoch) => Calls.Add($"{name}epoch {epoch} begin");

        public override void OnBatchEnd(TrainingContext context, in BatchResult batch)
        {
            Calls.Add($"{name}batch {batch.Batch}/{batch.Batches} of epoch {batch.Epoch}: {batch.Rows} rows");
            Batches.Add(batch);
        }

        public override void OnEpochEnd(TrainingContext context, EpochResult epoch)
        {
            Calls.Add($"{name}epoch {epoch.Epoch} end");
            Epochs.Add(epoch);
            HistoryCounts.Add(context.History.Epochs.Count);
        }

        public override void OnTrainEnd(TrainingContext context)
        {
            Calls.Add($"{name}train end");
            ParametersAtEnd = context.Parameters.ToArray();
        }
    }

    private sealed class StopAfter(int epoch, int? batch = null) : Callback
    {
        public override void OnBatchEnd(TrainingContext context, in BatchResult b)
        {
            if (b.Epoch == epoch && b.Batch == batch) context.StopTraining = true;
        }

        public override void OnEpochEnd(TrainingContext context, EpochResult e)
        {
            if (batch is null && e.Epoch == epoch) context.StopTraining = true;
        }
    }

    private sealed class ReportTo(List<string> log) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.EpochEnded) log.Add($"progress {value.Epoch}");
        }
    }

    private static (float[] X, float[] Y) Data(int rows) => TrainingTests.Blobs(rows, seed: 1);

    [Fact]
    public void A_user_callback_sees_every_hook_in_order_with_the_epochs_results()
    {
        var (x, y) = Data(30);
        var net = new ThreeClasses(seed: 1);
        var recorder = new Recorder();
        var history = net.Fit(x, y, new TrainOptions { Epochs = 2, BatchSize = 10, ValidationSplit = 0.2f, Callbacks = [recorder] });

        Assert.Equal(
        [
            "train begin 1..2, 3 batches of 24 rows, 6 validating",
            "epoch 1 begin", "batch 1/3 of epoch 1: 10 rows", "batch 2/3 of epoch 1: 10 rows", "batch 3/3 of epoch 1: 4 rows", "epoch 1 end",
            "epoch 2 begin", "batch 1/3 of epoch 2: 10 rows", "batch 2/3 of epoch 2: 10 rows", "batch 3/3 of epoch 2: 4 rows", "epoch 2 end",
            "train end",
        ], recorder.Calls);
        // The epoch results are the history's, and the history already holds the epoch when a callback sees it.
        Assert.Equal(history.Epochs, recorder.Epochs);
        Assert.Equal([1, 2], recorder.HistoryCounts);
        Assert.All(recorder.Epochs, e => Assert.NotNull(e.ValidationAccuracy));
        // A batch's Loss is the epoch's running mean, row-weighted, ending at the epoch's loss.
        var first = recorder.Batches.Take(3).ToArray();
        Assert.Equal(first[0].BatchLoss, first[0].Loss);
        Assert.Equal((float)((10.0 * first[0].BatchLoss + 10.0 * first[1].BatchLoss) / 20), first[1].Loss);
        Assert.Equal(history.Epochs[0].Loss, first[2].Loss);
        Assert.Equal(history.Epochs[0].Accuracy, first[2].Accuracy);
        Assert.Equal(net.Parameters.ToArray(), recorder.ParametersAtEnd);
    }

    [Fact]
    public void A_callback_can_stop_training_after_epoch_2_and_the_next_Fit_goes_on_from_epoch_3()
    {
        var (x, y) = Data(30);
        var net = new ThreeClasses(seed: 1);
        var recorder = new Recorder();
        var history = net.Fit(x, y, new TrainOptions { Epochs = 10, Callbacks = [new StopAfter(epoch: 2), recorder] });
        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(2, history.StoppedEpoch);
        Assert.Equal("epoch 2 end", recorder.Calls[^2]); // every callback still saw epoch 2 end, then training ended
        Assert.Equal("train end", recorder.Calls[^1]);
        Assert.Equal([3], net.Fit(x, y).Epochs.Select(e => e.Epoch));

        // The same two epochs as a Fit of 2: stopping took nothing away and added nothing.
        var two = new ThreeClasses(seed: 1);
        two.Fit(x, y, new TrainOptions { Epochs = 2 });
        var again = new ThreeClasses(seed: 1);
        again.Fit(x, y, new TrainOptions { Epochs = 10, Callbacks = [new StopAfter(epoch: 2)] });
        Assert.Equal(two.Parameters.ToArray(), again.Parameters.ToArray());
    }

    [Fact]
    public void Stopping_after_a_batch_ends_the_epoch_there_measured_over_the_rows_trained()
    {
        var (x, y) = Data(40);
        var net = new ThreeClasses(seed: 1);
        var recorder = new Recorder();
        var history = net.Fit(x, y, new TrainOptions { Epochs = 5, BatchSize = 10, Validation = new ValidationData(x, y), Callbacks = [new StopAfter(epoch: 2, batch: 3), recorder] });

        Assert.Equal([1, 2], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(2, history.StoppedEpoch);
        var epoch2 = recorder.Batches.Where(b => b.Epoch == 2).ToArray();
        Assert.Equal(3, epoch2.Length);
        Assert.Equal(epoch2[^1].Loss, history.Epochs[1].Loss);   // over the 30 rows trained, not all 40
        Assert.NotNull(history.Epochs[1].ValidationLoss);          // the cut epoch is still validated
        Assert.Equal(["batch 3/4 of epoch 2: 10 rows", "epoch 2 end", "train end"], recorder.Calls[^3..]);
        Assert.Equal([3], net.Fit(x, y, new TrainOptions { Epochs = 1, BatchSize = 10 }).Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public void Callbacks_run_after_the_history_and_early_stopping_and_before_the_progress()
    {
        var (x, y) = Data(30);
        var net = new ThreeClasses(seed: 1);
        var log = new List<string>();
        var a = new Recorder(log, "a: ");
        var b = new Recorder(log, "b: ");
        var stopSeen = new List<bool>();
        var watcher = new Watch(stopSeen);
        // Loss must fall by 10 to improve: epoch 2 does not, and early stopping (patience 0) stops there.
        var history = net.Fit(x, y, new TrainOptions
        {
            Epochs = 5, Progress = new ReportTo(log), Callbacks = [a, b, watcher],
            EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, MinDelta = 10f, RestoreBestWeights = true },
        });

        Assert.Equal(2, history.StoppedEpoch);
        Assert.Equal(["a: epoch 1 end", "b: epoch 1 end", "progress 1", "a: epoch 2 end", "b: epoch 2 end", "progress 2"],
            log.Where(l => l.Contains("end") && !l.Contains("train") || l.StartsWith("progress")));
        Assert.Equal([false, true], stopSeen);                 // early stopping had decided before the user's callbacks ran
        Assert.True(history.RestoredBestWeights);
        Assert.Equal(net.Parameters.ToArray(), a.ParametersAtEnd); // …and had put the best weights back before theirs ended
    }

    private sealed class Watch(List<bool> stopSeen) : Callback
    {
        public override void OnEpochEnd(TrainingContext context, EpochResult epoch) => stopSeen.Add(context.StopTraining);
    }

    [Fact]
    public void A_callback_serves_one_Fit_at_a_time_and_once_in_a_list()
    {
        var (x, y) = Data(30);
        var shared = new Recorder();
        Exception? nested = null;
        var other = new ThreeClasses(seed: 2);
        var starter = new OnEpoch(() => nested ??= Record.Exception(() => other.Fit(x, y, new TrainOptions { Callbacks = [shared] })));
        new ThreeClasses(seed: 1).Fit(x, y, new TrainOptions { Epochs = 2, Callbacks = [shared, starter] });

        var e = Assert.IsType<InvalidOperationException>(nested);
        Assert.Contains("Callbacks[0], a Recorder, is in use by another Fit", e.Message);
        Assert.Single(other.Fit(x, y, new TrainOptions { Callbacks = [shared] }).Epochs); // released when the first Fit returned

        var twice = Assert.Throws<ArgumentException>(() => other.Fit(x, y, new TrainOptions { Callbacks = [shared, starter, shared] }));
        Assert.Contains("Callbacks[0] and Callbacks[2] are the same Recorder", twice.Message);
    }

    private sealed class OnEpoch(Action action) : Callback
    {
        public override void OnEpochEnd(TrainingContext context, EpochResult epoch) => action();
    }

    [Fact]
    public void A_Fit_refused_by_a_callback_at_train_begin_changes_nothing()
    {
        var (x, y) = Data(30);
        var net = new ThreeClasses(seed: 1);
        net.Fit(x, y, new TrainOptions { Optimizer = new Adam(0.01f) });
        var before = net.Parameters.ToArray();
        Assert.Throws<NotSupportedException>(() => net.Fit(x, y,
            new TrainOptions { Optimizer = new Sgd(0.5f), Callbacks = [new Refuse()] }));
        Assert.Equal(before, net.Parameters.ToArray());

        // The network still continues its Adam run at epoch 2, moments and all, as if the refused Fit never was.
        var twice = new ThreeClasses(seed: 1);
        twice.Fit(x, y, new TrainOptions { Epochs = 2, Optimizer = new Adam(0.01f) });
        Assert.Equal([2], net.Fit(x, y, new TrainOptions { Optimizer = new Adam(0.01f) }).Epochs.Select(e => e.Epoch));
        Assert.Equal(twice.Parameters.ToArray(), net.Parameters.ToArray());
    }

    private sealed class Refuse : Callback
    {
        public override void OnTrainBegin(TrainingContext context) => throw new NotSupportedException("no");
    }
}
