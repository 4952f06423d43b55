using System.Numerics.Tensors;

namespace NetDsl;

/// <summary>
/// Takes optimizer steps on a network: each step splits its mini-batch into shards, lets the
/// workers run each shard forward and backward with the generated backprop, sums the shards'
/// gradients in a fixed order and applies the optimizer. Everything is allocated here, once; a step
/// allocates nothing.
/// Use it for a custom loop; <c>Fit</c> uses it too.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly INetworkModel _network;
    private readonly WorkerPool _pool;
    private readonly NetworkWorkspace[] _workspaces;
    private readonly float[][] _gradients;   // one per shard, shard 0's receiving the sum; or one, when the weight gradients are split by units
    private readonly SplitBatchPass? _split;  // a pass by groups of shards, the weight gradients split by units: no gradient per shard
    private readonly LossAndAccuracy[] _shardPasses;   // each shard's loss and accuracy counts
    private readonly float[] _batchInputs, _batchTargets;
    private readonly bool[] _chunkFinite;    // per chunk of the parameters: its values checked finite
    private readonly float[][] _stateBuffers;            // the optimizer state's per-parameter buffers
    private readonly float[] _undoParameters;            // what a step's update overwrites, to put back if it overflows
    private readonly float[][] _undoBuffers;
    private readonly Action<int> _runShard, _runGroup, _runGradientTask, _reduceChunk, _sumChunk, _checkChunk, _updateChunk, _undoChunk;
    private readonly ShardExchange? _exchange;   // a distributed run's: sums the shards of every process
    private ShardPlan _plan;
    private int _firstShard, _localShards;       // the shards this process computes: all, unless distributed
    private float _scale;
    private DropoutStream _dropout;
    private StepResult _last;
    private bool _disposed;
    private const int ChunkSize = OptimizerState.ChunkSize;
    // The variables (Keras's: each layer's weights, each layer's bias) cut at chunk boundaries into pieces, in
    // order; for ClipNorm and GlobalClipNorm, each piece's Σ g², and each variable's divisor.
    private readonly int[] _pieceStart, _pieceLength, _pieceVariable, _chunkFirstPiece;
    private readonly double[] _pieceSquares;
    private readonly float[] _variableDivisor;

    /// <summary>
    /// A trainer for <paramref name="network"/> with batches of up to <paramref name="maxBatchSize"/>
    /// rows, on up to <paramref name="maxDegreeOfParallelism"/> threads (−1: one per core).
    /// </summary>
    public Trainer(INetworkModel network, Optimizer optimizer, int maxBatchSize, int maxDegreeOfParallelism = -1)
        : this(network, optimizer, null, maxBatchSize, maxDegreeOfParallelism)
    {
    }

    /// <summary>
    /// A trainer that continues <paramref name="optimizerState"/> (Fit's, remembered for the network); with
    /// <paramref name="distributed"/>, one process of a distributed run, computing its shards of each batch.
    /// </summary>
    internal Trainer(INetworkModel network, OptimizerState optimizerState, int maxBatchSize, int maxDegreeOfParallelism, ICommunicator? distributed = null)
        : this(network, null, optimizerState, maxBatchSize, maxDegreeOfParallelism, distributed)
    {
    }

    private Trainer(INetworkModel network, Optimizer? optimizer, OptimizerState? optimizerState, int maxBatchSize, int maxDegreeOfParallelism, ICommunicator? distributed = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (optimizerState is null) ArgumentNullException.ThrowIfNull(optimizer);
        if (maxBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "The batch size must be at least 1.");
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use −1 for one thread per core, or a positive count.");

        _network = network;
        if (distributed is { Size: > 1 }) _exchange = new ShardExchange(distributed);
        MaxBatchSize = maxBatchSize;
        OptimizerState = optimizerState ?? optimizer!.CreateState(network.Parameters.Length);
        if (OptimizerState.ParameterCount != network.Parameters.Length)
            throw new ArgumentException($"The optimizer state is sized for {OptimizerState.ParameterCount} parameters; the network has {network.Parameters.Length}.", nameof(optimizerState));
        var plan = ShardPlan.For(maxBatchSize);
        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        _pool = new WorkerPool(Math.Min(threads, plan.Count));
        // One process alone sums its shards' weight gradients by units, when the network leaves them to it; a
        // process of a distributed run adds its shards to the others' one by one, so it keeps one gradient per shard.
        if (plan.Count > 1 && _exchange is null)
            _split = SplitBatchPass.TryCreate(network, maxBatchSize, _pool.Workers);
        int shardRows = ShardPlan.MaxRowsPerShard(maxBatchSize);
        // A workspace per shard (the split pass has its own, one per group), but always one for a batch of one shard.
        _workspaces = new NetworkWorkspace[_split is null ? plan.Count : 1];
        for (int s = 0; s < _workspaces.Length; s++) _workspaces[s] = network.CreateWorkspace(shardRows);
        _gradients = new float[_split is null ? plan.Count : 1][];
        for (int s = 0; s < _gradients.Length; s++) _gradients[s] = new float[network.Parameters.Length];
        _shardPasses = new LossAndAccuracy[plan.Count];
        _batchInputs = new float[maxBatchSize * network.InputSize];
        _batchTargets = new float[maxBatchSize * network.OutputSize];
        _chunkFinite = new bool[(network.Parameters.Length + ChunkSize - 1) / ChunkSize];
        // Only ClipNorm works per variable; everything else takes the whole buffer as one.
        var variables = OptimizerState.ClipsEachVariable ? Variables(network)
            : network.Parameters.Length == 0 ? [] : [(0, network.Parameters.Length)];
        (_pieceStart, _pieceLength, _pieceVariable, _chunkFirstPiece) = Pieces(variables, network.Parameters.Length);
        _pieceSquares = new double[OptimizerState.NeedsNorms ? _pieceStart.Length : 0];
        _variableDivisor = new float[variables.Count];
        _stateBuffers = [.. OptimizerState.Buffers];
        _undoParameters = new float[network.Parameters.Length];
        _undoBuffers = [.. _stateBuffers.Select(buffer => new float[buffer.Length])];
        _runShard = RunShard;
        _runGroup = RunGroup;
        _runGradientTask = RunGradientTask;
        _reduceChunk = ReduceShards;
        _sumChunk = SumShards;
        _checkChunk = CheckChunk;
        _updateChunk = UpdateChunk;
        _undoChunk = UndoChunk;
    }

    /// <summary>The largest batch a step takes.</summary>
    public int MaxBatchSize { get; }

    /// <summary>The optimizer's running state (moments, accumulators, iteration count).</summary>
    public OptimizerState OptimizerState { get; }

    /// <summary>Whether a batch of several shards has its weight gradients taken once over all of them, split by units (no gradient per shard).</summary>
    internal bool SplitsWeightGradients => _split is not null;

    /// <summary>The gradient of the last step, in the layout of the parameters.</summary>
    public ReadOnlySpan<float> LastGradient => _gradients[0];

    /// <summary>
    /// One optimizer step on a batch (row-major inputs <c>[rows × InputSize]</c> and targets
    /// <c>[rows × OutputSize]</c>). Returns the batch's mean loss, the value before the update.
    /// Throws <see cref="TrainingDivergedException"/> and leaves the parameters and the optimizer's state
    /// untouched when the loss or gradient is not finite, or when a finite gradient's update would overflow
    /// a weight or the optimizer's state (that update is undone).
    /// </summary>
    public float Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ulong dropoutSeed = 0)
    {
        var result = TryStep(inputs, targets, dropoutSeed);
        return result.Succeeded ? result.Loss : throw TrainingDivergedException.For(result);
    }

    /// <summary>
    /// <see cref="Step"/>, returning what the step did instead of throwing when it diverged: the loss and
    /// the accuracy counts of the batch before the update, and why the step failed, if it did.
    /// Bad data still throws <see cref="ArgumentException"/>.
    /// </summary>
    public StepResult TryStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, ulong dropoutSeed = 0)
    {
        int rows = DataChecks.DataSet(_network.Loss, inputs, targets, _network.InputSize, _network.OutputSize);
        if (rows > MaxBatchSize)
            throw new ArgumentException($"This trainer takes batches of at most {MaxBatchSize} rows; got {rows}.", nameof(inputs));
        inputs.CopyTo(_batchInputs);
        targets.CopyTo(_batchTargets);
        return StepStaged(rows, dropoutSeed);
    }

    /// <summary>
    /// Correct predictions in the last step's batch, and how many were counted (0 for regression):
    /// measured on the outputs before the update, as Keras's running accuracy is. The same as the
    /// counts in the last <see cref="StepResult"/>.
    /// </summary>
    public (long Correct, long Counted) LastAccuracy => (_last.Correct, _last.Counted);

    /// <summary>The rows of the next step, to be filled before <see cref="StepStaged"/>.</summary>
    internal Span<float> BatchInputs => _batchInputs;

    internal Span<float> BatchTargets => _batchTargets;

    /// <summary>
    /// The rows [From, To) of a batch of <paramref name="rows"/> that this process computes: all of them, or in a
    /// distributed run its shards' rows. A step reads only these of the staged rows.
    /// </summary>
    internal (int From, int To) StagedRows(int rows)
    {
        if (_exchange is null) return (0, rows);
        var plan = ShardPlan.For(rows);
        var (first, count) = _exchange.LocalShards(plan.Count);
        return count == 0 ? (0, 0) : (plan.Start(first), plan.Start(first + count - 1) + plan.Length(first + count - 1));
    }

    /// <summary>
    /// A step on the first <paramref name="rows"/> staged rows (in a distributed run, on this process's
    /// <see cref="StagedRows"/> of them, the gradient summed over every process's).
    /// </summary>
    /// <remarks>
    /// One shard (a batch under 64 rows) and one chunk of parameters (a network under 16k) run as direct calls on
    /// this thread, not through the pool's delegates: the pool would run them here anyway, and direct calls can be
    /// inlined (a 2-3-1 step took a tenth less time).
    /// </remarks>
    internal StepResult StepStaged(int rows, ulong dropoutSeed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _plan = ShardPlan.For(rows);
        (_firstShard, _localShards) = _exchange?.LocalShards(_plan.Count) ?? (0, _plan.Count);
        _scale = Losses.MeanScale(_network.Loss, rows, _network.OutputSize);
        _dropout = new DropoutStream(dropoutSeed);
        bool split = _split is not null && _plan.Count > 1;
        if (split)
        {
            // Groups of shards forward and backward to their deltas; then each weight gradient once, over every shard.
            _split!.Begin(_plan, _batchInputs);
            _pool.Run(_split.Groups, _runGroup);
            _pool.Run(_split.Tasks, _runGradientTask);
        }
        else if (_localShards == 1)
            RunShard(0);
        else
            _pool.Run(_localShards, _runShard);

        float loss = 0f;
        long correct = 0, counted = 0;
        if (_exchange is null || !_exchange.Ordered)
            for (int s = 0; s < _localShards; s++)
            {
                loss += _shardPasses[s].Loss;
                correct += _shardPasses[s].Correct;
                counted += _shardPasses[s].Counted;
            }
        if (split)
            _pool.Run(_chunkFinite.Length, _checkChunk);
        else if (_exchange is null && _chunkFinite.Length == 1)
            ReduceShards(0);
        else if (_exchange is null)
            // Sum the shards' gradients, chunk by chunk in parallel, each chunk in shard order.
            _pool.Run(_chunkFinite.Length, _reduceChunk);
        else
        {
            int parameters = _gradients[0].Length;
            if (_exchange.Ordered)
                (loss, correct, counted) = _exchange.SumInShardOrder(_gradients, _shardPasses, _localShards, _plan.Count, parameters);
            else
            {
                if (_localShards == 0) Array.Clear(_gradients[0]);
                else _pool.Run(_chunkFinite.Length, _sumChunk);
                (loss, correct, counted) = _exchange.AllReduce(_gradients[0], loss, correct, counted);
            }
            // Every process holds the same sum now, and decides the same from it.
            _pool.Run(_chunkFinite.Length, _checkChunk);
        }

        // A failed step must not reach the weights: check everything before the update.
        if (!float.IsFinite(loss)) return _last = new StepResult(loss, correct, counted, StepFailure.NonFiniteLoss);
        if (!AllTrue(_chunkFinite)) return _last = new StepResult(loss, correct, counted, StepFailure.NonFiniteGradient);
        OptimizerState.BeginStep(ClipNorms());
        if (_chunkFinite.Length == 1)
            UpdateChunk(0);
        else
            _pool.Run(_chunkFinite.Length, _updateChunk);
        // A finite gradient can still overflow a weight or the optimizer's state (a huge learning rate):
        // undo the whole step, every chunk, and say so at once.
        if (!AllTrue(_chunkFinite))
        {
            _pool.Run(_chunkFinite.Length, _undoChunk);
            OptimizerState.CancelStep();
            return _last = new StepResult(loss, correct, counted, StepFailure.NonFiniteUpdate);
        }
        return _last = new StepResult(loss, correct, counted, StepFailure.None);
    }

    // From the pieces' Σ g²: each variable's ClipNorm divisor, and Σ g² over all (GlobalClipNorm), summed in a fixed order.
    private double ClipNorms()
    {
        if (_pieceSquares.Length == 0) return 0;
        double total = 0, variable = 0;
        for (int p = 0; p < _pieceSquares.Length; p++)
        {
            variable += _pieceSquares[p];
            if (p + 1 < _pieceSquares.Length && _pieceVariable[p + 1] == _pieceVariable[p]) continue;
            _variableDivisor[_pieceVariable[p]] = OptimizerState.ClipNormDivisor(variable);
            total += variable;
            variable = 0;
        }
        return total;
    }

    private static bool AllTrue(bool[] flags)
    {
        foreach (bool flag in flags)
            if (!flag) return false;
        return true;
    }

    // The local shard i is the batch's shard _firstShard + i: its rows, and its dropout masks, are the batch's.
    private void RunShard(int local)
    {
        int shard = _firstShard + local, start = _plan.Start(shard), rows = _plan.Length(shard);
        int inputSize = _network.InputSize, outputSize = _network.OutputSize;
        var targets = _batchTargets.AsSpan(start * outputSize, rows * outputSize);
        _shardPasses[local] = _network.ComputeLossGradientAndAccuracy(
            _batchInputs.AsSpan(start * inputSize, rows * inputSize), targets,
            rows, _scale, _gradients[local], _workspaces[local], _dropout.ForShard(start));
    }

    private void RunGroup(int group) => _split!.RunGroup(group, _batchInputs, _batchTargets, _scale, _dropout, _shardPasses);

    private void RunGradientTask(int task) => _split!.RunTask(task, _gradients[0]);

    private void ReduceShards(int chunk)
    {
        SumShards(chunk);
        CheckChunk(chunk);
    }

    // g₀ ← g₀ + g₁ + … + g_last, always in shard order, over one chunk of the parameters.
    private void SumShards(int chunk)
    {
        var (start, length) = Chunk(chunk);
        Span<float> sum = _gradients[0].AsSpan(start, length);
        for (int s = 1; s < _localShards; s++)
            TensorPrimitives.Add(sum, _gradients[s].AsSpan(start, length), sum);
    }

    // Whether one chunk of the summed gradient is finite; and its pieces' Σ g² for clipping.
    private void CheckChunk(int chunk)
    {
        var (start, length) = Chunk(chunk);
        Span<float> sum = _gradients[0].AsSpan(start, length);
        // Each value's magnitude bits, not a sum: huge finite gradients can overflow a sum.
        _chunkFinite[chunk] = DataChecks.AllFinite(sum);
        if (_pieceSquares.Length != 0)
            for (int p = _chunkFirstPiece[chunk]; p < _chunkFirstPiece[chunk + 1]; p++)
                _pieceSquares[p] = GradientTransforms.SquaredNorm(_gradients[0].AsSpan(_pieceStart[p], _pieceLength[p]));
    }

    // The optimizer's rule is elementwise, so its chunks can run on any worker. Each keeps a copy of what it
    // overwrites (read while the update needs it in cache anyway) and checks what it wrote.
    private void UpdateChunk(int chunk)
    {
        var (start, length) = Chunk(chunk);
        Span<float> parameters = _network.Parameters.Slice(start, length);
        parameters.CopyTo(_undoParameters.AsSpan(start, length));
        for (int b = 0; b < _stateBuffers.Length; b++)
            _stateBuffers[b].AsSpan(start, length).CopyTo(_undoBuffers[b].AsSpan(start, length));
        if (OptimizerState.ClipsEachVariable)
            for (int p = _chunkFirstPiece[chunk]; p < _chunkFirstPiece[chunk + 1]; p++)
                OptimizerState.UpdateRange(_network.Parameters.Slice(_pieceStart[p], _pieceLength[p]),
                    _gradients[0].AsSpan(_pieceStart[p], _pieceLength[p]), _pieceStart[p], _variableDivisor[_pieceVariable[p]]);
        else
            OptimizerState.UpdateRange(parameters, _gradients[0].AsSpan(start, length), start, 1f);
        bool finite = DataChecks.AllFinite(parameters); // still in cache: the checks are cheap
        for (int b = 0; b < _stateBuffers.Length; b++)
            finite &= DataChecks.AllFinite(_stateBuffers[b].AsSpan(start, length));
        _chunkFinite[chunk] = finite;
    }

    // Puts back what UpdateChunk overwrote.
    private void UndoChunk(int chunk)
    {
        var (start, length) = Chunk(chunk);
        _undoParameters.AsSpan(start, length).CopyTo(_network.Parameters.Slice(start, length));
        for (int b = 0; b < _stateBuffers.Length; b++)
            _undoBuffers[b].AsSpan(start, length).CopyTo(_stateBuffers[b].AsSpan(start, length));
    }

    // Keras's variables: each layer's weights and each layer's bias, when the network lists its layers;
    // otherwise the whole buffer.
    private static List<(int Start, int Length)> Variables(INetworkModel network)
    {
        int count = network.Parameters.Length;
        var variables = new List<(int Start, int Length)>();
        if (network.Layers is { } layers)
            foreach (var layer in layers)
            {
                if (layer.ParameterCount == 0) continue;
                int weights = layer.Units * layer.Inputs;
                variables.Add((layer.Offset, weights));
                variables.Add((layer.Offset + weights, layer.Units));
            }
        else if (count > 0)
            variables.Add((0, count));
        int next = 0;
        foreach (var (start, length) in variables)
        {
            if (start != next)
                throw new InvalidOperationException($"{network.GetType().Name}.Layers do not tile its {count} parameters: a variable starts at {start}, where {next} was expected.");
            next = start + length;
        }
        if (next != count)
            throw new InvalidOperationException($"{network.GetType().Name}.Layers cover {next} of its {count} parameters.");
        return variables;
    }

    // The variables cut at chunk boundaries, in order, and where each chunk's pieces begin.
    private static (int[] Start, int[] Length, int[] Variable, int[] ChunkFirst) Pieces(List<(int Start, int Length)> variables, int count)
    {
        var start = new List<int>();
        var length = new List<int>();
        var variable = new List<int>();
        int chunks = (count + ChunkSize - 1) / ChunkSize;
        var chunkFirst = new int[chunks + 1];
        for (int v = 0; v < variables.Count; v++)
            for (int at = variables[v].Start, end = at + variables[v].Length; at < end;)
            {
                int chunkEnd = (at / ChunkSize + 1) * ChunkSize, to = Math.Min(end, chunkEnd);
                start.Add(at);
                length.Add(to - at);
                variable.Add(v);
                at = to;
            }
        for (int c = 0, p = 0; c <= chunks; c++)
        {
            while (p < start.Count && start[p] < c * ChunkSize) p++;
            chunkFirst[c] = p;
        }
        return ([.. start], [.. length], [.. variable], chunkFirst);
    }

    private (int Start, int Length) Chunk(int chunk)
    {
        int start = chunk * ChunkSize;
        return (start, Math.Min(ChunkSize, _gradients[0].Length - start));
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _disposed = true;
        _pool.Dispose();
    }
}
