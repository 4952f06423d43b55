using System.Diagnostics;
using System.Globalization;

namespace NetDsl;

/// <summary>
/// Mini-batch gradient descent over a data set: hold out validation data, then each epoch shuffle,
/// cut into batches, step, measure, report, and maybe stop early. The generated <c>Fit</c> calls it.
/// </summary>
public static class TrainingLoop
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Trains <paramref name="network"/> on row-major inputs and targets, continuing its training so far:
    /// epochs are numbered on from its last Fit (and with them the seeded shuffles and dropout masks),
    /// and an optimizer equal to the last Fit's continues its state, so Fit(5 epochs) then Fit(5 epochs)
    /// gives the same bits as Fit(10 epochs). See <see cref="TrainOptions"/>; <see cref="NetworkExtensions.ResetTraining"/> starts over.
    /// </summary>
    /// <exception cref="InvalidOperationException">A Fit is already running on this network (on another thread, or from a Progress callback).</exception>
    public static TrainingHistory Fit(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, TrainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new TrainOptions();
        options.Validate();
        var state = TrainingState.For(network);
        state.Enter();
        try
        {
            return Run(network, inputs, targets, options, state);
        }
        finally
        {
            state.Exit();
        }
    }

    private static TrainingHistory Run(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, TrainOptions options, TrainingState state)
    {
        int inputSize = network.InputSize, width = network.OutputSize;
        int rows = DataChecks.DataSet(network.Loss, inputs, targets, inputSize, width);

        // Which rows train and which validate.
        var (trainRows, validation) = SplitValidation(network, inputs, targets, rows, options);
        if (options.EarlyStopping is { NeedsValidation: true } && validation is null)
            throw new ArgumentException($"Early stopping monitors {options.EarlyStopping.Monitor}, which needs validation data: set Validation or ValidationSplit.", nameof(options));
        if (options.EarlyStopping is { HigherIsBetter: true } && network.Loss == Loss.MeanSquaredError)
            throw new ArgumentException(
                $"Early stopping monitors {options.EarlyStopping.Monitor}, but {network.GetType().Name} is trained with mean squared error, which has no accuracy: " +
                $"monitor {(options.EarlyStopping.NeedsValidation ? Metric.ValidationLoss : Metric.Loss)} instead.", nameof(options));
        // A progress bar shown another Fit starts afresh (it would take this one's epoch 1 for that one's).
        (options.Progress as ProgressBar)?.Reset();
        int validationRows = validation is null ? 0 : validation.Targets.Length / width;
        var validationWorkspace = validation is null ? null : network.CreateWorkspace(Math.Min(validationRows, 256));

        var history = new TrainingHistory();
        int batchSize = Math.Min(options.BatchSize, trainRows.Length);
        int batches = (trainRows.Length + batchSize - 1) / batchSize;
        // Continue the network's training: its optimizer state if the optimizer is the same, and its epoch
        // and step numbers, which seed the shuffles and dropout masks.
        var optimizerState = state.OptimizerStateFor(options.Optimizer, network.Parameters.Length);
        using var trainer = new Trainer(network, optimizerState, batchSize, options.MaxDegreeOfParallelism);
        var stopping = options.EarlyStopping is { } es ? new EarlyStoppingTracker(es, network.Parameters.Length) : null;
        int firstEpoch = state.EpochsCompleted + 1;
        int lastEpoch = (int)Math.Min((long)state.EpochsCompleted + options.Epochs, int.MaxValue); // Epochs = int.MaxValue: until stopped
        // Each epoch shuffles the order the last one left, so replay the epochs already run: far cheaper
        // than running them was, and it makes epoch e's order the same however the epochs were split into Fits.
        if (options.Shuffle)
            for (int epoch = 1; epoch < firstEpoch; epoch++) new SeededRandom(options.Seed, epoch).Shuffle(trainRows);
        long step = state.StepsTaken;

        for (int epoch = firstEpoch; epoch <= lastEpoch; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            if (options.Shuffle) new SeededRandom(options.Seed, epoch).Shuffle(trainRows);
            double lossSum = 0;
            long correct = 0, counted = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                int start = batch * batchSize, n = Math.Min(batchSize, trainRows.Length - start);
                Gather(inputs, trainRows.AsSpan(start, n), inputSize, trainer.BatchInputs);
                Gather(targets, trainRows.AsSpan(start, n), width, trainer.BatchTargets);
                ulong dropoutSeed = SeededRandom.Mix((ulong)options.Seed, (ulong)++step);
                state.StepsTaken = step;
                var stepped = trainer.StepStaged(n, dropoutSeed);
                if (!stepped.Succeeded) throw TrainingDivergedException.For(stepped, epoch, batch + 1, batches);
                lossSum += (double)stepped.Loss * n;
                correct += stepped.Correct;
                counted += stepped.Counted;
                if (options.Progress is { } progress && batch + 1 < batches && clock.Elapsed - lastReport >= ReportInterval)
                {
                    lastReport = clock.Elapsed;
                    int seen = start + n;
                    progress.Report(new TrainingProgress(epoch, lastEpoch, batch + 1, batches, (float)(lossSum / seen),
                        Fraction(correct, counted), null, null, clock.Elapsed, EpochEnded: false));
                }
            }
            state.EpochsCompleted = epoch;

            EvaluationResult? validated = validation is null ? null
                : Evaluation.Evaluate(network, validation.Inputs, validation.Targets, validationRows, validationWorkspace!);
            var result = new EpochResult(epoch, (float)(lossSum / trainRows.Length), Fraction(correct, counted),
                validated?.Loss, validated?.Accuracy, clock.Elapsed);
            history.Add(result);
            options.Progress?.Report(new TrainingProgress(epoch, lastEpoch, batches, batches, result.Loss, result.Accuracy,
                result.ValidationLoss, result.ValidationAccuracy, clock.Elapsed, EpochEnded: true));

            if (stopping is not null && stopping.ShouldStop(result, network.Parameters))
            {
                history.StoppedEpoch = epoch;
                break;
            }
        }
        if (stopping is not null)
        {
            history.BestEpoch = stopping.BestEpoch;
            history.RestoredBestWeights = stopping.RestoreBest(network.Parameters);
        }
        return history;
    }

    private static float? Fraction(long correct, long counted) => counted == 0 ? null : (float)correct / counted;

    // The rows that train, and the validation set: given, or drawn at random with the seed.
    private static (int[] TrainRows, ValidationData? Validation) SplitValidation(
        INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int rows, TrainOptions options)
    {
        var order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        if (options.Validation is { } given)
        {
            DataChecks.DataSet(network.Loss, given.Inputs, given.Targets, network.InputSize, network.OutputSize);
            return (order, given);
        }
        if (options.ValidationSplit == 0f) return (order, null);
        int held = HeldOutRows(options.ValidationSplit, rows);
        if (held == 0)
            throw new ArgumentException(rows == 1
                ? $"A validation split of {Show(options.ValidationSplit)} holds out no row of 1 training row, and no split can hold one out and leave one to train; pass Validation."
                : $"A validation split of {Show(options.ValidationSplit)} holds out no row of {rows} training rows; use at least {Show(SmallestSplit(rows))}, or pass Validation.",
                nameof(options));
        if (held == rows)
            throw new ArgumentException($"A validation split of {Show(options.ValidationSplit)} leaves no training rows out of {rows}.", nameof(options));
        new SeededRandom(options.Seed, -1).Shuffle(order);
        var heldRows = order.AsSpan(rows - held);
        heldRows.Sort(); // keep the held-out examples in their original order
        var validation = new ValidationData(new float[held * network.InputSize], new float[held * network.OutputSize]);
        Gather(inputs, heldRows, network.InputSize, validation.Inputs);
        Gather(targets, heldRows, network.OutputSize, validation.Targets);
        var trainRows = order[..(rows - held)];
        Array.Sort(trainRows);
        return (trainRows, validation);
    }

    // Whole rows of the fraction as written: (decimal)0.02f is 0.02, where (double)0.02f is 0.0199999996
    // and 50 rows of it would floor to none.
    private static int HeldOutRows(float split, int rows) => (int)((decimal)split * rows);

    // The smallest split, rounded up to two significant digits, that holds out one row.
    private static decimal SmallestSplit(int rows)
    {
        decimal least = 1m / rows, scale = 1m;
        while (least * scale < 10m) scale *= 10m;
        decimal split = Math.Ceiling(least * scale) / scale;
        return HeldOutRows((float)split, rows) >= 1 ? split : split + 1m / scale;
    }

    private static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    // Copies the chosen rows, in order, into a staging buffer.
    private static void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> rows, int width, Span<float> destination)
    {
        for (int i = 0; i < rows.Length; i++)
            source.Slice(rows[i] * width, width).CopyTo(destination.Slice(i * width, width));
    }
}
