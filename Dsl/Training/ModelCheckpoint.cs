using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NetDsl;

/// <summary>
/// Saves a checkpoint at the end of every epoch, or of every epoch that improves on the best so far, as Keras's
/// <c>keras.callbacks.ModelCheckpoint</c>: <c>Callbacks = [new ModelCheckpoint("run.safetensors")]</c>. A checkpoint
/// is a safetensors file: the weights under their usual names (<c>LoadWeights</c> and PyTorch read them) and the
/// training state — the optimizer's moments and step count, the epoch and step numbers that seed the shuffles and
/// dropout masks, the history, early stopping's and the built-in callbacks' watching — from which
/// <see cref="TrainOptions.ResumeFrom"/> resumes the Fit to the bit. Each save is atomic: the file is always the
/// previous checkpoint or the new one, whole.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FilePath"/> may contain <c>{epoch}</c>, with a .NET format after a colon (<c>"run-{epoch:000}.safetensors"</c>),
/// to keep one file per epoch; Keras spells that <c>{epoch:03d}</c>. Keras defaults: <c>monitor="val_loss",
/// save_best_only=False, save_weights_only=False, save_freq="epoch"</c>; an epoch improves when its value is strictly
/// better than the best so far, lower for a loss and higher for an accuracy (<c>mode="auto"</c>).
/// </para>
/// <para>
/// The file is written after every callback has seen the epoch's end, so that it holds their state after the epoch
/// whatever their order in <see cref="TrainOptions.Callbacks"/>. Fit refuses it before anything changes when
/// <see cref="SaveBestOnly"/> watches a metric the Fit does not measure. PyTorch has no such callback: you call
/// <c>torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)</c> yourself.
/// </para>
/// </remarks>
/// <param name="filePath">Where to save, Keras's <c>filepath</c>; may contain <c>{epoch}</c>.</param>
public sealed partial class ModelCheckpoint(string filePath) : Callback, ICheckpointedCallback
{
    private float? _best;

    /// <summary>Where to save; <c>{epoch}</c> (or <c>{epoch:format}</c>) is replaced by the epoch's number.</summary>
    public string FilePath { get; } = filePath;

    /// <summary>What <see cref="SaveBestOnly"/> watches, Keras's <c>monitor</c>; validation loss by default.</summary>
    public Metric Monitor { get; init; } = Metric.ValidationLoss;

    /// <summary>Keras's <c>save_best_only</c>: save only epochs that improve <see cref="Monitor"/>; default false (every epoch).</summary>
    public bool SaveBestOnly { get; init; }

    /// <summary>
    /// Keras's <c>save_weights_only</c>: write the weights alone, as <c>SaveWeights</c> does (no training state, so not
    /// resumable); default false.
    /// </summary>
    public bool SaveWeightsOnly { get; init; }

    /// <summary>The best value of <see cref="Monitor"/> saved so far in this Fit; null before the first.</summary>
    public float? Best => _best;

    /// <summary>Checks the settings and the Fit, and starts watching afresh.</summary>
    public override void OnTrainBegin(TrainingContext context)
    {
        if (string.IsNullOrWhiteSpace(FilePath))
            throw new ArgumentException("ModelCheckpoint needs a file path.", "options");
        if (!Enum.IsDefined(Monitor)) throw new ArgumentOutOfRangeException(nameof(Monitor), Monitor, "Not a defined Metric.");
        if (SaveBestOnly) context.RequireMeasured(Monitor, "ModelCheckpoint");
        _best = null;
    }

    /// <summary>Asks Fit to save after this epoch, if it is to be saved.</summary>
    public override void OnEpochEnd(TrainingContext context, EpochResult epoch)
    {
        if (SaveBestOnly)
        {
            float value = TrainingContext.Value(Monitor, epoch)!.Value;
            bool higherIsBetter = Monitor is Metric.Accuracy or Metric.ValidationAccuracy;
            if (_best is float best && !(higherIsBetter ? value > best : value < best)) return;
            if (float.IsNaN(value)) return;
            _best = value;
        }
        context.PendingSaves.Add((PathFor(epoch.Epoch), SaveWeightsOnly));
    }

    /// <summary><see cref="FilePath"/> for <paramref name="epoch"/>: each <c>{epoch}</c> or <c>{epoch:format}</c> replaced.</summary>
    public string PathFor(int epoch) =>
        EpochPattern().Replace(FilePath, match => epoch.ToString(match.Groups[1].Success ? match.Groups[1].Value : null, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\{epoch(?::([^}]*))?\}")]
    private static partial Regex EpochPattern();

    void ICheckpointedCallback.WriteState(Utf8JsonWriter json) => CheckpointJson.WriteFloat(json, "best", _best);

    void ICheckpointedCallback.ReadState(JsonElement state) => _best = CheckpointJson.ReadFloat(state, "best");
}
