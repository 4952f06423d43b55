using System.Text.Json;
using static NetDsl.Tests.Persistence.SafetensorsFiles;

namespace NetDsl.Tests.Persistence;

/// <summary>
/// ModelCheckpoint and TrainOptions.ResumeFrom: a run interrupted after epoch k and resumed from its checkpoint, on a
/// fresh network in a fresh process, ends with the same bits as the run never interrupted — with dropout, Adam,
/// a validation split, early stopping restoring its best weights and ReduceLROnPlateau lowering the rate.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netdsl-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static uint[] Bits(ReadOnlySpan<float> values) => [.. values.ToArray().Select(BitConverter.SingleToUInt32Bits)];

    private static (float[] X, float[] Y) Data() => TestData.For(NetSpec.Of(typeof(KernelDropout)), 150, seed: 77);

    /// <summary>Ends a Fit at the start of an epoch, as a crash would: nothing of that epoch runs.</summary>
    private sealed class Crash(int atEpoch) : Callback
    {
        public override void OnEpochBegin(TrainingContext context, int epoch)
        {
            if (epoch == atEpoch) throw new OperationCanceledException($"crashed before epoch {epoch}");
        }
    }

    private string Checkpoints => Path.Combine(_folder, "run-{epoch:00}.safetensors");

    private TrainOptions Options(params Callback[] extra) => new()
    {
        Epochs = 6, BatchSize = 32, Optimizer = new Adam(0.01f), Seed = 11, ValidationSplit = 0.2f,
        Callbacks = [new ModelCheckpoint(Checkpoints), .. extra],
    };

    private static void AssertSameRun(TrainingHistory expected, TrainingHistory actual)
    {
        Assert.Equal(expected.Epochs.Select(e => e.Epoch), actual.Epochs.Select(e => e.Epoch));
        Assert.Equal(Bits([.. expected.Loss]), Bits([.. actual.Loss]));
        Assert.Equal(Bits([.. expected.ValidationLoss]), Bits([.. actual.ValidationLoss]));
        Assert.Equal(expected.Epochs.Select(e => e.Accuracy), actual.Epochs.Select(e => e.Accuracy));
        Assert.Equal(expected.StoppedEpoch, actual.StoppedEpoch);
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
        Assert.Equal(expected.RestoredBestWeights, actual.RestoredBestWeights);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_run_interrupted_after_epoch_k_and_resumed_gives_the_bits_of_the_run_never_interrupted(int k)
    {
        var (x, y) = Data();
        var whole = new KernelDropout(seed: 5);
        var expected = whole.Fit(x, y, Options() with { Callbacks = [] });

        var interrupted = new KernelDropout(seed: 5);
        Assert.Throws<OperationCanceledException>(() => interrupted.Fit(x, y, Options(new Crash(atEpoch: k + 1))));
        Assert.Equal(k, Directory.GetFiles(_folder, "run-*.safetensors").Length);

        // Another network, with other weights, in what could be another process: everything comes from the file.
        var resumed = new KernelDropout(seed: 99);
        var progress = new List<TrainingProgress>();
        var history = resumed.Fit(x, y, Options() with
        {
            ResumeFrom = Path.Combine(_folder, $"run-{k:00}.safetensors"),
            Progress = new Progress(progress.Add),
        });

        Assert.Equal(Bits(whole.Parameters), Bits(resumed.Parameters));
        AssertSameRun(expected, history);
        Assert.Equal(Enumerable.Range(k + 1, 6 - k), progress.Where(p => p.EpochEnded).Select(p => p.Epoch)); // only the epochs left ran
        Assert.Equal(6, Directory.GetFiles(_folder, "run-*.safetensors").Length);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories));

        // And it goes on as the uninterrupted network does: Fit after Fit continues the same run.
        whole.Fit(x, y, Options() with { Epochs = 2, Callbacks = [] });
        resumed.Fit(x, y, Options() with { Epochs = 2, Callbacks = [] });
        Assert.Equal(Bits(whole.Parameters), Bits(resumed.Parameters));
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(9)]
    [InlineData(10)]
    public void Early_stopping_and_ReduceLROnPlateau_resume_their_watching(int k)
    {
        // This run stops after epoch 11: its training loss falls by more than 0.05 up to epoch 7, then at 9 only; so
        // after epoch 9 ReduceLROnPlateau waits to lower the rate again and after 10 early stopping waits one epoch.
        var (x, y) = Data();
        TrainOptions Watched(params Callback[] extra) => Options([new ReduceLROnPlateau { Monitor = Metric.Loss, Patience = 1, Factor = 0.5f, MinDelta = 0.05f }, .. extra]) with
        {
            Epochs = 12,
            Optimizer = new Adam(0.05f),
            EarlyStopping = new EarlyStopping { Monitor = Metric.Loss, MinDelta = 0.05f, Patience = 2, RestoreBestWeights = true },
        };
        var whole = new KernelDropout(seed: 5);
        var expected = whole.Fit(x, y, Watched());
        double finalRate = ReadRate(Path.Combine(_folder, $"run-{expected.Epochs[^1].Epoch:00}.safetensors"));
        foreach (string file in Directory.GetFiles(_folder)) File.Delete(file);
        // The run these settings make is one worth resuming: the rate was lowered, and early stopping stopped it.
        Assert.True(finalRate < 0.05, $"ReduceLROnPlateau never lowered the rate ({finalRate})");
        Assert.NotNull(expected.StoppedEpoch);
        Assert.True(expected.RestoredBestWeights);
        Assert.True(k < expected.StoppedEpoch);

        var interrupted = new KernelDropout(seed: 5);
        Assert.Throws<OperationCanceledException>(() => interrupted.Fit(x, y, Watched(new Crash(atEpoch: k + 1))));
        var resumed = new KernelDropout(seed: 1);
        var history = resumed.Fit(x, y, Watched() with { ResumeFrom = Path.Combine(_folder, $"run-{k:00}.safetensors") });

        Assert.Equal(Bits(whole.Parameters), Bits(resumed.Parameters));
        AssertSameRun(expected, history);
        Assert.Equal(finalRate, ReadRate(Path.Combine(_folder, $"run-{expected.Epochs[^1].Epoch:00}.safetensors")));
    }

    [Fact]
    public void Resuming_from_the_checkpoint_of_the_last_epoch_runs_nothing_and_ends_as_the_run_did()
    {
        var (x, y) = Data();
        var options = Options() with { EarlyStopping = new EarlyStopping { Monitor = Metric.ValidationLoss, Patience = 10, RestoreBestWeights = true } };
        var whole = new KernelDropout(seed: 5);
        var expected = whole.Fit(x, y, options);
        var resumed = new KernelDropout(seed: 1);
        var history = resumed.Fit(x, y, options with { ResumeFrom = Path.Combine(_folder, "run-06.safetensors") });
        Assert.Equal(Bits(whole.Parameters), Bits(resumed.Parameters)); // early stopping's best weights, restored at the end
        AssertSameRun(expected, history);
    }

    [Fact]
    public void A_second_Fit_interrupted_resumes_to_its_own_last_epoch()
    {
        var (x, y) = Data();
        var whole = new KernelDropout(seed: 5);
        whole.Fit(x, y, Options() with { Epochs = 3, Callbacks = [] });
        whole.Fit(x, y, Options() with { Epochs = 3, Callbacks = [] });             // epochs 4–6

        var interrupted = new KernelDropout(seed: 5);
        interrupted.Fit(x, y, Options() with { Epochs = 3, Callbacks = [] });
        Assert.Throws<OperationCanceledException>(() => interrupted.Fit(x, y, Options(new Crash(atEpoch: 6)) with { Epochs = 3 }));
        var resumed = new KernelDropout(seed: 1);
        var history = resumed.Fit(x, y, Options() with { Epochs = 3, ResumeFrom = Path.Combine(_folder, "run-05.safetensors") });

        Assert.Equal([4, 5, 6], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(Bits(whole.Parameters), Bits(resumed.Parameters));
    }

    [Fact]
    public void A_checkpoint_is_a_weights_file_LoadWeights_and_PyTorch_read_with_the_training_state_beside()
    {
        var (x, y) = Data();
        var net = new KernelDropout(seed: 5);
        net.Fit(x, y, Options() with { Epochs = 2 });
        string path = Path.Combine(_folder, "run-02.safetensors");

        var root = Header(File.ReadAllBytes(path));
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("h1.weight", names);
        Assert.Contains("__netdsl__.optimizer.0", names);                          // Adam's m
        Assert.Contains("__netdsl__.optimizer.1", names);                          // and v
        var state = JsonDocument.Parse(root.GetProperty("__metadata__").GetProperty("netdsl.checkpoint").GetString()!).RootElement;
        Assert.Equal(2, state.GetProperty("epochs_completed").GetInt32());
        Assert.Equal("Adam", state.GetProperty("optimizer").GetProperty("type").GetString());
        Assert.Equal(2 * 4, state.GetProperty("optimizer").GetProperty("iterations").GetInt64()); // 120 training rows, batches of 32

        var loaded = new KernelDropout(seed: 1);
        loaded.LoadWeights(path);
        Assert.Equal(Bits(net.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void SaveBestOnly_saves_the_epochs_that_improve_and_SaveWeightsOnly_writes_plain_weights()
    {
        var (x, y) = Data();
        var best = new ModelCheckpoint(Path.Combine(_folder, "best-{epoch}.safetensors")) { Monitor = Metric.Loss, SaveBestOnly = true, SaveWeightsOnly = true };
        var history = new KernelDropout(seed: 5).Fit(x, y, Options(best) with { Epochs = 12, Optimizer = new Adam(0.05f) });

        var improving = new List<int>();
        float lowest = float.PositiveInfinity;
        foreach (var epoch in history.Epochs)
            if (epoch.Loss < lowest) (lowest, improving) = (epoch.Loss, [.. improving, epoch.Epoch]);
        Assert.True(improving.Count is > 1 and < 12, $"improving epochs: {string.Join(", ", improving)}");
        Assert.Equal(improving.Select(e => $"best-{e}.safetensors").Order(), Directory.GetFiles(_folder, "best-*").Select(Path.GetFileName).Order());
        Assert.Equal(lowest, best.Best);

        string weightsOnly = Path.Combine(_folder, $"best-{improving[^1]}.safetensors");
        Assert.DoesNotContain("netdsl.checkpoint", Split(File.ReadAllBytes(weightsOnly)).Header);
        var problem = Assert.Throws<InvalidDataException>(() => new KernelDropout(seed: 1).Fit(x, y, Options() with { ResumeFrom = weightsOnly }));
        Assert.Contains("it is a weights file, not a checkpoint", problem.Message);
    }

    [Theory]
    [InlineData("Seed")]
    [InlineData("BatchSize")]
    [InlineData("optimizer")]
    [InlineData("optimizer's state")]
    [InlineData("training rows")]
    [InlineData("EarlyStopping")]
    [InlineData("Callbacks[1]")]
    public void A_Fit_with_other_options_than_the_interrupted_one_is_refused_before_anything_changes(string setting)
    {
        var (x, y) = Data();
        new KernelDropout(seed: 5).Fit(x, y, Options() with { Epochs = 2 });
        var net = new KernelDropout(seed: 1);
        var before = Bits(net.Parameters);
        var resume = Options() with { ResumeFrom = Path.Combine(_folder, "run-02.safetensors") };
        var (data, labels, options) = setting switch
        {
            "Seed" => (x, y, resume with { Seed = 12 }),
            "BatchSize" => (x, y, resume with { BatchSize = 16 }),
            "optimizer" => (x, y, resume with { Optimizer = new RmsProp() }),
            "optimizer's state" => (x, y, resume with { Optimizer = new Adam(0.01f, Amsgrad: true) }),
            "training rows" => (x[..(140 * KernelDropout.InputSize)], y[..(140 * KernelDropout.OutputSize)], resume),
            "EarlyStopping" => (x, y, resume with { EarlyStopping = new EarlyStopping() }),
            _ => (x, y, resume with { Callbacks = [.. resume.Callbacks, new ReduceLROnPlateau()] }),
        };
        var problem = Assert.Throws<ArgumentException>(() => net.Fit(data, labels, options));
        Assert.Contains($"it was saved by a Fit with {setting} ", problem.Message);
        Assert.Equal(before, Bits(net.Parameters));
        // Nothing of the refused Fit was remembered: the next Fit is the network's first.
        Assert.Equal(1, net.Fit(x, y, Options() with { Epochs = 1, Callbacks = [] }).Epochs[0].Epoch);
    }

    [Fact]
    public void A_damaged_or_missing_checkpoint_is_refused_before_anything_changes()
    {
        var (x, y) = Data();
        new KernelDropout(seed: 5).Fit(x, y, Options() with { Epochs = 1 });
        string path = Path.Combine(_folder, "run-01.safetensors");
        byte[] file = File.ReadAllBytes(path);
        var net = new KernelDropout(seed: 1);
        var before = Bits(net.Parameters);

        // A field misspelt, the file otherwise whole (the same length, so the header's length still holds).
        File.WriteAllBytes(path, Replace(file, "\\\"seed\\\"", "\\\"sead\\\""));
        var misspelt = Assert.Throws<InvalidDataException>(() => net.Fit(x, y, Options() with { ResumeFrom = path }));
        Assert.StartsWith($"Cannot resume from '{path}': its netdsl.checkpoint metadata is not what NetDsl writes", misspelt.Message);

        File.WriteAllBytes(path, file[..^10]);
        var truncated = Assert.Throws<InvalidDataException>(() => net.Fit(x, y, Options() with { ResumeFrom = path }));
        Assert.StartsWith($"Cannot load weights from '{path}': truncated", truncated.Message);
        Assert.Throws<FileNotFoundException>(() => net.Fit(x, y, Options() with { ResumeFrom = Path.Combine(_folder, "none.safetensors") }));
        Assert.Equal(before, Bits(net.Parameters));
    }

    [Theory]
    [InlineData("run.safetensors", 7, "run.safetensors")]
    [InlineData("run-{epoch}.safetensors", 7, "run-7.safetensors")]
    [InlineData("run-{epoch:000}.safetensors", 7, "run-007.safetensors")]
    [InlineData("{epoch}/{epoch:00}", 12, "12/12")]
    public void The_path_takes_the_epoch_number_where_it_says_epoch(string pattern, int epoch, string expected) =>
        Assert.Equal(expected, new ModelCheckpoint(pattern).PathFor(epoch));

    [Fact]
    public void SaveBestOnly_on_a_metric_the_Fit_does_not_measure_is_refused()
    {
        var (x, y) = Data();
        var problem = Assert.Throws<ArgumentException>(() => new KernelDropout(seed: 1).Fit(x, y,
            Options(new ModelCheckpoint("x.safetensors") { SaveBestOnly = true }) with { ValidationSplit = 0f }));
        Assert.Contains("ModelCheckpoint monitors ValidationLoss, which needs validation data", problem.Message);
    }

    private static byte[] Replace(byte[] file, string from, string to)
    {
        string text = System.Text.Encoding.Latin1.GetString(file);
        Assert.Contains(from, text);
        return System.Text.Encoding.Latin1.GetBytes(text.Replace(from, to));
    }

    private static double ReadRate(string checkpoint)
    {
        var state = JsonDocument.Parse(Header(File.ReadAllBytes(checkpoint)).GetProperty("__metadata__").GetProperty("netdsl.checkpoint").GetString()!).RootElement;
        return state.GetProperty("optimizer").GetProperty("learning_rate").GetDouble();
    }
}
