using System.Globalization;
using System.Text.Json;
using System.Text.Encodings.Web;

namespace NetDsl;

/// <summary>
/// A checkpoint: a weights file (the weights under their usual names) that also holds everything a Fit needs to go
/// on exactly as if it had never stopped. Tensors under <c>__netdsl__.</c>: the optimizer's buffers (moments,
/// accumulators) and early stopping's best weights. Metadata <c>netdsl.checkpoint</c>, JSON: the epochs completed and
/// the steps taken (which seed the shuffles and dropout masks), the first epoch of the interrupted Fit, the settings
/// a resumed Fit must repeat (seed, shuffle, batch size, rows), the optimizer's step count and learning rate, the
/// history, early stopping's watching and that of the built-in callbacks.
/// </summary>
internal sealed class Checkpoint
{
    private const int FormatVersion = 1;
    private const string OptimizerPrefix = Runtime.WeightsFile.TrainingPrefix + "optimizer.";
    private const string BestWeights = Runtime.WeightsFile.TrainingPrefix + "early_stopping.best_weights";

    // ---- Saving ------------------------------------------------------------------------------------------

    /// <summary>Writes the checkpoint of a running Fit after an epoch, atomically.</summary>
    public static void Save(string path, INetworkModel network, TrainingContext context, TrainingState state,
        Callback[] callbacks, TrainOptions options)
    {
        var tensors = TensorNames.For(network, new WeightsOptions());
        var extras = new List<Runtime.WeightsFile.ExtraTensor>();
        var buffers = context.Optimizer.Buffers;
        for (int i = 0; i < buffers.Count; i++) extras.Add(new(OptimizerPrefix + i.ToString(CultureInfo.InvariantCulture), buffers[i]));
        var earlyStopping = callbacks.OfType<EarlyStoppingCallback>().SingleOrDefault()?.Tracker.Capture();
        if (earlyStopping?.BestWeights is { } best) extras.Add(new(BestWeights, best));
        string json = Describe(network, context, state, options, earlyStopping);
        AtomicFile.Write(path, stream => Runtime.WeightsFile.Write(stream, network, tensors, extras, [new(Runtime.WeightsFile.CheckpointKey, json)]));
    }

    private static string Describe(INetworkModel network, TrainingContext context, TrainingState state, TrainOptions options,
        (float Best, int Wait, int? BestEpoch, float[]? BestWeights)? earlyStopping)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", FormatVersion);
            json.WriteNumber("epochs_completed", state.EpochsCompleted);
            json.WriteNumber("steps_taken", state.StepsTaken);
            json.WriteNumber("fit_first_epoch", context.RunFirstEpoch);
            json.WriteNumber("seed", options.Seed);
            json.WriteBoolean("shuffle", options.Shuffle);
            json.WriteNumber("batch_size", options.BatchSize);
            json.WriteNumber("training_rows", context.TrainingRows);
            json.WriteNumber("validation_rows", context.ValidationRows);
            if (context.History.StoppedEpoch is int stopped) json.WriteNumber("stopped_epoch", stopped);
            else json.WriteNull("stopped_epoch");

            json.WriteStartObject("optimizer");
            json.WriteString("type", options.Optimizer.GetType().Name);
            json.WriteNumber("iterations", context.Optimizer.Iterations);
            CheckpointJson.WriteFloat(json, "learning_rate", context.Optimizer.ConstantLearningRate);
            json.WriteNumber("buffers", context.Optimizer.Buffers.Count);
            json.WriteEndObject();

            json.WriteStartArray("history");
            foreach (var epoch in context.History.Epochs)
            {
                json.WriteStartObject();
                json.WriteNumber("epoch", epoch.Epoch);
                CheckpointJson.WriteFloat(json, "loss", epoch.Loss);
                CheckpointJson.WriteFloat(json, "accuracy", epoch.Accuracy);
                CheckpointJson.WriteFloat(json, "validation_loss", epoch.ValidationLoss);
                CheckpointJson.WriteFloat(json, "validation_accuracy", epoch.ValidationAccuracy);
                json.WriteNumber("seconds", epoch.Elapsed.TotalSeconds);
                json.WriteEndObject();
            }
            json.WriteEndArray();

            if (earlyStopping is { } watch)
            {
                json.WriteStartObject("early_stopping");
                CheckpointJson.WriteFloat(json, "best", watch.Best);
                json.WriteNumber("wait", watch.Wait);
                if (watch.BestEpoch is int bestEpoch) json.WriteNumber("best_epoch", bestEpoch);
                else json.WriteNull("best_epoch");
                json.WriteBoolean("best_weights", watch.BestWeights is not null);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("early_stopping");
            }

            json.WriteStartArray("callbacks");
            for (int i = 0; i < options.Callbacks.Count; i++)
            {
                if (options.Callbacks[i] is not ICheckpointedCallback kept) continue;
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("type", options.Callbacks[i].GetType().Name);
                json.WriteStartObject("state");
                kept.WriteState(json);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // ---- Resuming ----------------------------------------------------------------------------------------

    private readonly string _source;
    private readonly float[] _weights;
    private readonly float[][] _buffers;
    private readonly float[]? _bestWeights;
    private readonly long _seed, _iterations;
    private readonly bool _shuffle;
    private readonly int _batchSize, _trainingRows, _validationRows;
    private readonly string _optimizer;
    private readonly float _learningRate;
    private readonly List<EpochResult> _history = [];
    private readonly (float Best, int Wait, int? BestEpoch)? _earlyStopping;
    private readonly Dictionary<int, (string Type, JsonElement State)> _callbacks = [];

    // Every field is read here, so that a checkpoint with a missing or mistyped one is refused before the Fit starts.
    private Checkpoint(string source, JsonElement json, float[] weights, IReadOnlyDictionary<string, float[]> extras)
    {
        _source = source;
        _weights = weights;
        if (Int(json, "version") != FormatVersion)
            throw Broken(source, $"it is a checkpoint of format {Int(json, "version")}; this NetDsl resumes format {FormatVersion}");
        EpochsCompleted = Int(json, "epochs_completed");
        StepsTaken = json.GetProperty("steps_taken").GetInt64();
        FitFirstEpoch = Int(json, "fit_first_epoch");
        StoppedEpoch = OptionalInt(json, "stopped_epoch");
        if (EpochsCompleted < 0 || StepsTaken < 0 || FitFirstEpoch < 1 || FitFirstEpoch > EpochsCompleted + 1)
            throw Broken(source, $"its epochs do not add up (first epoch {FitFirstEpoch}, {EpochsCompleted} completed)");
        _seed = json.GetProperty("seed").GetInt64();
        _shuffle = json.GetProperty("shuffle").GetBoolean();
        _batchSize = Int(json, "batch_size");
        _trainingRows = Int(json, "training_rows");
        _validationRows = Int(json, "validation_rows");

        var optimizer = json.GetProperty("optimizer");
        _optimizer = optimizer.GetProperty("type").GetString()!;
        _iterations = optimizer.GetProperty("iterations").GetInt64();
        _learningRate = CheckpointJson.ReadFloat(optimizer, "learning_rate")!.Value;
        int count = Int(optimizer, "buffers");
        _buffers = new float[count][];
        for (int i = 0; i < count; i++)
            _buffers[i] = extras.TryGetValue(OptimizerPrefix + i.ToString(CultureInfo.InvariantCulture), out var values) ? values
                : throw Broken(source, $"missing tensor: '{OptimizerPrefix}{i}', one of the optimizer's {count} buffers");

        foreach (var epoch in json.GetProperty("history").EnumerateArray())
            _history.Add(new EpochResult(Int(epoch, "epoch"), CheckpointJson.ReadFloat(epoch, "loss")!.Value, CheckpointJson.ReadFloat(epoch, "accuracy"),
                CheckpointJson.ReadFloat(epoch, "validation_loss"), CheckpointJson.ReadFloat(epoch, "validation_accuracy"),
                TimeSpan.FromSeconds(epoch.GetProperty("seconds").GetDouble())));

        if (json.GetProperty("early_stopping") is { ValueKind: JsonValueKind.Object } watch)
        {
            _earlyStopping = (CheckpointJson.ReadFloat(watch, "best")!.Value, Int(watch, "wait"), OptionalInt(watch, "best_epoch"));
            if (watch.GetProperty("best_weights").GetBoolean())
                _bestWeights = extras.TryGetValue(BestWeights, out var kept) ? kept : throw Broken(source, $"missing tensor: '{BestWeights}'");
        }
        foreach (var callback in json.GetProperty("callbacks").EnumerateArray())
            _callbacks[Int(callback, "index")] = (callback.GetProperty("type").GetString()!, callback.GetProperty("state").Clone());
    }

    /// <summary>Epochs completed when it was saved: the resumed Fit starts at the next.</summary>
    public int EpochsCompleted { get; }

    /// <summary>Optimizer steps started over the network's training, which number the dropout masks.</summary>
    public long StepsTaken { get; }

    /// <summary>The first epoch of the Fit it was saved in; the resumed Fit ends where that one would have.</summary>
    public int FitFirstEpoch { get; }

    /// <summary>The epoch after which a callback stopped that Fit, if one did: the resumed Fit then runs no epoch.</summary>
    public int? StoppedEpoch { get; }

    /// <summary>Reads and checks the checkpoint at <paramref name="path"/> for <paramref name="network"/>; nothing is applied.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint NetDsl can resume, or does not fit the network.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Checkpoint Read(string path, INetworkModel network)
    {
        string source = WeightsErrors.File(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        int parameters = network.Parameters.Length;
        var file = Runtime.WeightsFile.Read(stream, source, network, TensorNames.For(network, new WeightsOptions()), new WeightsOptions(),
            name => name == BestWeights || name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) ? parameters : null);
        if (!file.Metadata.TryGetValue(Runtime.WeightsFile.CheckpointKey, out var text))
            throw Broken(source, "it is a weights file, not a checkpoint: it holds no training state (ModelCheckpoint writes checkpoints)");
        try
        {
            using var document = JsonDocument.Parse(text);
            return new Checkpoint(source, document.RootElement, file.Weights, file.Extras);
        }
        catch (Exception problem) when (problem is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Broken(source, $"its {Runtime.WeightsFile.CheckpointKey} metadata is not what NetDsl writes ({problem.Message})", problem);
        }
    }

    /// <summary>
    /// Refuses, with an <see cref="ArgumentException"/> naming the difference, a Fit whose options would not repeat
    /// the interrupted one: another optimizer, seed, shuffle, batch size, data size, early stopping or built-in callbacks.
    /// </summary>
    public void RequireSameRun(TrainOptions options, int trainingRows, int validationRows)
    {
        Same("optimizer", _optimizer, options.Optimizer.GetType().Name);
        Same("Seed", _seed, options.Seed);
        Same("Shuffle", _shuffle, options.Shuffle);
        Same("BatchSize", _batchSize, options.BatchSize);
        Same("training rows", _trainingRows, trainingRows);
        Same("validation rows", _validationRows, validationRows);
        Same("EarlyStopping", _earlyStopping is not null, options.EarlyStopping is not null);
        for (int i = 0; i < options.Callbacks.Count; i++)
        {
            string? expected = _callbacks.TryGetValue(i, out var kept) ? kept.Type : null;
            string? actual = options.Callbacks[i] is ICheckpointedCallback ? options.Callbacks[i].GetType().Name : null;
            if (expected != actual)
                throw Differs($"Callbacks[{i}]", expected ?? "a callback whose state it does not keep", actual ?? options.Callbacks[i].GetType().Name);
        }
        foreach (var (index, callback) in _callbacks)
            if (index >= options.Callbacks.Count) throw Differs($"Callbacks[{index}]", callback.Type, "none");
    }

    /// <summary>A fresh state for <paramref name="optimizer"/> holding the checkpoint's buffers, step count and rate.</summary>
    public OptimizerState OptimizerStateFor(Optimizer optimizer, int parameterCount)
    {
        var state = optimizer.CreateState(parameterCount);
        if (state.Buffers.Count != _buffers.Length)
            throw Differs("optimizer's state", $"{_buffers.Length} buffers", $"{state.Buffers.Count} (another Momentum, Amsgrad, Centered… setting)");
        state.Restore(_iterations, _learningRate, _buffers);
        return state;
    }

    /// <summary>The epochs the interrupted Fit had run, into the resumed Fit's history.</summary>
    public void FillHistory(TrainingHistory history)
    {
        foreach (var epoch in _history) history.Add(epoch);
        history.StoppedEpoch = StoppedEpoch;
    }

    /// <summary>Puts back early stopping's and the built-in callbacks' watching; call after their OnTrainBegin.</summary>
    /// <exception cref="InvalidDataException">A callback's state is not what it writes.</exception>
    public void RestoreCallbacks(Callback[] callbacks, TrainOptions options)
    {
        if (_earlyStopping is { } watch)
            callbacks.OfType<EarlyStoppingCallback>().Single().Tracker.Restore(watch.Best, watch.Wait, watch.BestEpoch, _bestWeights);
        foreach (var (index, (type, state)) in _callbacks)
        {
            try
            {
                ((ICheckpointedCallback)options.Callbacks[index]).ReadState(state);
            }
            catch (Exception problem) when (problem is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
            {
                throw Broken(_source, $"the state it keeps for Callbacks[{index}], a {type}, is not what that callback writes ({problem.Message})", problem);
            }
        }
    }

    /// <summary>The weights when it was saved, in the layout of the parameters.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    private static int Int(JsonElement json, string name) => json.GetProperty(name).GetInt32();

    private static int? OptionalInt(JsonElement json, string name) =>
        json.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Int(json, name);

    private void Same<T>(string setting, T saved, T now) where T : IEquatable<T>
    {
        if (!saved.Equals(now)) throw Differs(setting, Show(saved), Show(now));
    }

    private static string Show<T>(T value) => value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "null";

    private ArgumentException Differs(string setting, string saved, string now) => new(
        $"Cannot resume from {_source}: it was saved by a Fit with {setting} {saved}, and this Fit has {now}. " +
        "Resume with the options (and data) of the interrupted Fit: only then does it go on as that one would have.", "options");

    private static InvalidDataException Broken(string source, string rule, Exception? inner = null) =>
        new($"Cannot resume from {source}: {rule}.", inner);
}
