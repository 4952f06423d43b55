namespace NetDsl;

/// <summary>
/// Mini-batch gradient descent over a data set: shuffle, cut into batches, step, record.
/// The generated <c>Fit</c> calls it.
/// </summary>
public static class TrainingLoop
{
    /// <summary>Trains <paramref name="network"/> on row-major inputs and targets.</summary>
    public static TrainingHistory Fit(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, TrainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new TrainOptions();
        options.Validate();
        int inputSize = network.InputSize, width = network.OutputSize;
        int rows = DataChecks.DataSet(network.Loss, inputs, targets, inputSize, width);

        var history = new TrainingHistory();
        int batchSize = Math.Min(options.BatchSize, rows);
        using var trainer = new Trainer(network, options.Optimizer, batchSize, options.MaxDegreeOfParallelism);
        var order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        long step = 0;

        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (options.Shuffle) new SeededRandom(options.Seed, epoch).Shuffle(order);
            double lossSum = 0;
            int batches = (rows + batchSize - 1) / batchSize;
            for (int batch = 0; batch < batches; batch++)
            {
                int start = batch * batchSize, n = Math.Min(batchSize, rows - start);
                Gather(inputs, order.AsSpan(start, n), inputSize, trainer.BatchInputs);
                Gather(targets, order.AsSpan(start, n), width, trainer.BatchTargets);
                ulong dropoutSeed = SeededRandom.Mix((ulong)options.Seed, (ulong)++step);
                float loss = trainer.StepStaged(n, dropoutSeed)
                    ?? throw new TrainingDivergedException(
                        $"The loss or its gradient became non-finite in epoch {epoch}, batch {batch + 1} of {batches}; " +
                        "the step was not applied, so the network keeps the parameters of the last good step. " +
                        "Try a smaller learning rate or check the data.", epoch, batch + 1);
                lossSum += (double)loss * n;
            }
            history.Add(new EpochResult(epoch, (float)(lossSum / rows), null));
        }
        return history;
    }

    // Copies the chosen rows, in order, into the trainer's staging buffer.
    private static void Gather(ReadOnlySpan<float> source, ReadOnlySpan<int> rows, int width, Span<float> destination)
    {
        for (int i = 0; i < rows.Length; i++)
            source.Slice(rows[i] * width, width).CopyTo(destination.Slice(i * width, width));
    }
}
