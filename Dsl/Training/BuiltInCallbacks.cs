using System.Diagnostics;

namespace NetDsl;

/// <summary>Records each epoch in the Fit's <see cref="TrainingHistory"/>; always the first callback.</summary>
internal sealed class HistoryRecorder : Callback
{
    public override void OnEpochEnd(TrainingContext context, EpochResult epoch) => context.History.Add(epoch);
}

/// <summary>The callback that runs <see cref="TrainOptions.EarlyStopping"/>: Keras's <c>EarlyStopping</c>, step for step.</summary>
internal sealed class EarlyStoppingCallback(EarlyStopping settings) : Callback
{
    private EarlyStoppingTracker? _tracker;

    /// <summary>The watching of the running Fit, for a checkpoint to keep and put back.</summary>
    internal EarlyStoppingTracker Tracker => _tracker ?? throw new InvalidOperationException("Early stopping has not begun.");

    public override void OnTrainBegin(TrainingContext context)
    {
        context.RequireMeasured(settings.Monitor, "Early stopping");
        _tracker = new EarlyStoppingTracker(settings, context.Parameters.Length);
    }

    public override void OnEpochEnd(TrainingContext context, EpochResult epoch)
    {
        if (_tracker!.ShouldStop(epoch, context.Parameters)) context.StopTraining = true;
    }

    public override void OnTrainEnd(TrainingContext context)
    {
        context.History.BestEpoch = _tracker!.BestEpoch;
        context.History.RestoredBestWeights = _tracker.RestoreBest(context.Network.Parameters);
    }
}

/// <summary>
/// Turns the hooks into <see cref="TrainingProgress"/> reports for <see cref="TrainOptions.Progress"/>:
/// during an epoch at most every <see cref="ReportInterval"/>, and once at its end.
/// </summary>
internal sealed class ProgressReporter(IProgress<TrainingProgress> progress) : Callback
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);
    private readonly Stopwatch _clock = new();
    private TimeSpan _lastReport;
    private int _batchesRun;

    public override void OnTrainBegin(TrainingContext context) =>
        // A bar shown another Fit starts afresh (it would take this one's epoch 1 for that one's).
        (progress as ProgressBar)?.Reset();

    public override void OnEpochBegin(TrainingContext context, int epoch)
    {
        _clock.Restart();
        _lastReport = TimeSpan.Zero;
        _batchesRun = 0;
    }

    public override void OnBatchEnd(TrainingContext context, in BatchResult batch)
    {
        _batchesRun = batch.Batch;
        if (batch.Batch == batch.Batches) return; // the epoch's end reports it, with the validation
        var elapsed = _clock.Elapsed;
        if (elapsed - _lastReport < ReportInterval) return;
        _lastReport = elapsed;
        progress.Report(new TrainingProgress(batch.Epoch, context.LastEpoch, batch.Batch, batch.Batches, batch.Loss,
            batch.Accuracy, null, null, elapsed, EpochEnded: false));
    }

    public override void OnEpochEnd(TrainingContext context, EpochResult epoch) =>
        progress.Report(new TrainingProgress(epoch.Epoch, context.LastEpoch, _batchesRun, context.Batches, epoch.Loss, epoch.Accuracy,
            epoch.ValidationLoss, epoch.ValidationAccuracy, epoch.Elapsed, EpochEnded: true));
}
