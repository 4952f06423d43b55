using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace NetDsl.Runtime;

/// <summary>
/// Mini-batch gradient descent over a data set: hold out validation data, then each epoch shuffle,
/// cut into batches, step, measure, report, and maybe stop early. The generated <c>Fit</c> calls it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TrainingLoop
{
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
        catch (Exception error) when (options.Distributed is { Size: > 1 } world && !EveryProcessThrows(error))
        {
            // Only this process knows: the others would wait for it until they time out. Stop them now.
            world.Fail(error);
            throw;
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
        int validationRows = validation is null ? 0 : validation.Targets.Length / width;
        int batchSize = Math.Min(options.BatchSize, trainRows.Length);
        int batches = (trainRows.Length + batchSize - 1) / batchSize;
        // Continue the network's training: its optimizer state if the optimizer is the same, and its epoch
        // and step numbers, which seed the shuffles and dropout masks. Or resume a checkpoint's, which must be
        // of a Fit with these options: its epochs run to that Fit's first + Epochs − 1.
        var resume = options.ResumeFrom is { } path ? Checkpoint.Read(path, network) : null;
        resume?.RequireSameRun(options, trainRows.Length, validationRows);
        var optimizerState = resume is null
            ? state.OptimizerStateFor(options.Optimizer, network.Parameters.Length)
            : resume.OptimizerStateFor(options.Optimizer, network.Parameters.Length);
        int completed = resume?.EpochsCompleted ?? state.EpochsCompleted;
        int firstEpoch = completed + 1, runFirstEpoch = resume?.FitFirstEpoch ?? firstEpoch;
        int lastEpoch = (int)Math.Min((long)runFirstEpoch - 1 + options.Epochs, int.MaxValue); // Epochs = int.MaxValue: until stopped
        var history = new TrainingHistory();
        resume?.FillHistory(history);
        var context = new TrainingContext(network, optimizerState, options, history, firstEpoch, lastEpoch, batches, trainRows.Length, validationRows)
        {
            RunFirstEpoch = runFirstEpoch,
        };

        var callbacks = Callbacks(options);
        int entered = 0;
        try
        {
            // One Fit at a time per callback instance: a callback keeps the state of one training.
            for (; entered < options.Callbacks.Count; entered++)
                if (!options.Callbacks[entered].TryEnter())
                    throw new InvalidOperationException(
                        $"Callbacks[{entered}], a {options.Callbacks[entered].GetType().Name}, is in use by another Fit that is running; " +
                        "a callback keeps the state of one training at a time. Give each Fit its own.");
            var distributed = options.Distributed is { Size: > 1 } world ? new DistributedRun(world) : null;
            distributed?.CheckSameStart(network, inputs, targets, options, optimizerState, state);
            // Callbacks may refuse the Fit here (a metric it does not measure): nothing has changed yet.
            foreach (var callback in callbacks) callback.OnTrainBegin(context);
            if (resume is not null)
            {
                resume.RestoreCallbacks(callbacks, options);
                resume.Weights.CopyTo(network.Parameters);
                state.EpochsCompleted = resume.EpochsCompleted;
                state.StepsTaken = resume.StepsTaken;
            }
            state.Remember(options.Optimizer, optimizerState);
            if (resume?.StoppedEpoch is null)
                Train(network, inputs, targets, options, state, context, callbacks, trainRows, validation, batchSize, distributed);
            foreach (var callback in callbacks) callback.OnTrainEnd(context);
            distributed?.CheckSameParameters(network, optimizerState, "at the end of training");
        }
        finally
        {
            for (int i = 0; i < entered; i++) options.Callbacks[i].Exit();
        }
        return history;
    }

    // Every callback of a Fit, in the order they run: history, early stopping, the user's, progress. In a
    // distributed run only rank 0 runs the user's and reports progress.
    private static Callback[] Callbacks(TrainOptions options)
    {
        var callbacks = new List<Callback>(options.Callbacks.Count + 3) { new HistoryRecorder() };
        if (options.EarlyStopping is { } earlyStopping) callbacks.Add(new EarlyStoppingCallback(earlyStopping));
        if (options.Distributed is { Size: > 1, Rank: not 0 }) return [.. callbacks];
        callbacks.AddRange(options.Callbacks);
        if (options.Progress is { } progress) callbacks.Add(new ProgressReporter(progress));
        return [.. callbacks];
    }

    // A divergence is decided on the summed gradient, and a check the processes made together fails on each.
    private static bool EveryProcessThrows(Exception error) =>
        error is TrainingDivergedException or DistributedTrainingException { EveryProcessThrows: true };

    private static void Train(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, TrainOptions options, TrainingState state,
        TrainingContext context, Callback[] callbacks, int[] trainRows, ValidationData? validation, int batchSize, DistributedRun? distributed)
    {
        int inputSize = network.InputSize, width = network.OutputSize, batches = context.Batches;
        bool measures = distributed is null || distributed.IsRoot; // rank 0 measures validation for all
        var validationWorkspace = validation is null || !measures ? null : network.CreateWorkspace(Math.Min(context.ValidationRows, 256));
        using var trainer = new Trainer(network, context.Optimizer, batchSize, options.MaxDegreeOfParallelism, distributed?.World);
        // Each epoch shuffles the order the last one left, so replay the epochs already run: far cheaper
        // than running them was, and it makes epoch e's order the same however the epochs were split into Fits.
        if (options.Shuffle)
            for (int epoch = 1; epoch < context.FirstEpoch; epoch++) new SeededRandom(options.Seed, epoch).Shuffle(trainRows);
        long step = state.StepsTaken;

        for (int epoch = context.FirstEpoch; epoch <= context.LastEpoch; epoch++)
        {
            foreach (var callback in callbacks) callback.OnEpochBegin(context, epoch);
            var clock = Stopwatch.StartNew();
            if (options.Shuffle) new SeededRandom(options.Seed, epoch).Shuffle(trainRows);
            double lossSum = 0;
            long correct = 0, counted = 0;
            int seen = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                int start = batch * batchSize, n = Math.Min(batchSize, trainRows.Length - start);
                var (from, to) = trainer.StagedRows(n); // all n, or this process's shards of them
                Gather(inputs, trainRows.AsSpan(start + from, to - from), inputSize, trainer.BatchInputs[(from * inputSize)..]);
                Gather(targets, trainRows.AsSpan(start + from, to - from), width, trainer.BatchTargets[(from * width)..]);
                ulong dropoutSeed = SeededRandom.Mix((ulong)options.Seed, (ulong)++step);
                state.StepsTaken = step;
                var stepped = trainer.StepStaged(n, dropoutSeed);
                if (!stepped.Succeeded) throw TrainingDivergedException.For(stepped, epoch, batch + 1, batches);
                lossSum += (double)stepped.Loss * n;
                correct += stepped.Correct;
                counted += stepped.Counted;
                seen = start + n;
                // A struct passed by reference, in a for loop over an array: nothing allocated per batch.
                var done = new BatchResult(epoch, batch + 1, batches, n, stepped.Loss, (float)(lossSum / seen), Fraction(correct, counted));
                for (int i = 0; i < callbacks.Length; i++) callbacks[i].OnBatchEnd(context, in done);
                if (distributed is { RootRunsMore: true }) distributed.ShareDecisions(context);
                if (context.StopTraining) break;
            }
            state.EpochsCompleted = epoch;
            distributed?.CheckSameParameters(network, context.Optimizer, $"after epoch {epoch}");

            EvaluationResult? validated = validation is null || !measures ? null
                : Evaluation.Evaluate(network, validation.Inputs, validation.Targets, context.ValidationRows, validationWorkspace!);
            if (validation is not null && distributed is not null) validated = distributed.ShareValidation(validated);
            var result = new EpochResult(epoch, (float)(lossSum / seen), Fraction(correct, counted),
                validated?.Loss, validated?.Accuracy, clock.Elapsed);
            foreach (var callback in callbacks) callback.OnEpochEnd(context, result);
            distributed?.ShareDecisions(context);
            if (context.StopTraining) context.History.StoppedEpoch = epoch;
            // Checkpoints last, once every callback has seen the epoch: they hold everyone's state after it.
            // Only rank 0 runs the callbacks, so only rank 0 saves.
            foreach (var (path, weightsOnly) in context.PendingSaves)
            {
                if (weightsOnly) WeightsFile.Save(network, path);
                else Checkpoint.Save(path, network, context, state, callbacks, options);
            }
            context.PendingSaves.Clear();
            if (context.StopTraining) break;
        }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> rows, int width, Span<float> destination)
    {
        for (int i = 0; i < rows.Length; i++)
            source.Slice(rows[i] * width, width).CopyTo(destination.Slice(i * width, width));
    }
}
