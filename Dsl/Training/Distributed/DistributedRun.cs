using System.Globalization;
using System.Runtime.InteropServices;
using NetDsl.Simd;

namespace NetDsl;

/// <summary>
/// What a distributed Fit does beyond the steps, at fixed points of the training loop: check at the start that
/// every process trains the same network on the same data with the same options; carry rank 0's decisions —
/// validation, stopping, the learning rate — to the others; and once an epoch check that the parameters agree.
/// </summary>
/// <remarks>
/// Rank 0 measures the validation data and runs every callback; the others run only the history and early
/// stopping, which decide from the same numbers as rank 0's and so decide the same (their weights restored
/// at the end included), and take rank 0's stop and learning rate after each hook that could change them.
/// </remarks>
internal sealed class DistributedRun
{
    private const ulong NoRank = ulong.MaxValue;
    private readonly ICommunicator _world;
    private readonly ulong[] _mine = new ulong[2], _theirs = new ulong[2], _verdict = new ulong[5];
    private readonly float[] _validation = new float[3];
    private Decisions _decisions;

    public DistributedRun(ICommunicator world)
    {
        _world = world;
    }

    public ICommunicator World => _world;

    /// <summary>Whether this is rank 0, which measures validation, runs the callbacks and reports progress.</summary>
    public bool IsRoot => _world.Rank == 0;

    /// <summary>Whether rank 0 runs callbacks the others do not, so its decisions go out after every batch (rank 0's say).</summary>
    public bool RootRunsMore { get; private set; }

    /// <summary>
    /// Throws on every process, the same <see cref="DistributedTrainingException"/>, unless all were given the same
    /// options, data, network weights and training state; and learns whether rank 0 runs callbacks.
    /// </summary>
    public void CheckSameStart(INetworkModel network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets,
        TrainOptions options, OptimizerState optimizer, TrainingState state)
    {
        Span<byte> flag = [(byte)(options.Callbacks.Count > 0 ? 1 : 0)];
        _world.Broadcast(flag, 0);
        RootRunsMore = flag[0] != 0;

        Agree(OptionsHash(network, options), "options",
            "Every process must call Fit with the same options (all but MaxDegreeOfParallelism, Progress and Callbacks, which only rank 0 runs).");
        ulong data = BitHash.Of(targets, BitHash.Of(inputs));
        if (options.Validation is { } validation) data = BitHash.Of(validation.Targets, BitHash.Of(validation.Inputs, data));
        Agree(data, "data", "Every process must pass the same data set, whole: each takes its rows of every batch from it.");
        Agree(BitHash.Of(network.Parameters), "initial parameters",
            "Every process must start from the same weights: create the network with the same seed everywhere (or load the same file).");
        Agree(StateHash(optimizer, state), "training state",
            "Every process must continue the same training: the same earlier Fits, or none.");
    }

    /// <summary>Rank 0's stop and learning rate, after a hook at which only rank 0 ran callbacks that could change them.</summary>
    public void ShareDecisions(TrainingContext context)
    {
        if (IsRoot) _decisions = new Decisions(context.StopTraining ? 1 : 0, context.Optimizer.LearningRate);
        _world.Broadcast(MemoryMarshal.AsBytes(new Span<Decisions>(ref _decisions)), 0);
        if (IsRoot) return;
        context.StopTraining = _decisions.Stop != 0;
        var optimizer = context.Optimizer;
        if (optimizer.LearningRateSchedule is null && BitConverter.SingleToInt32Bits(optimizer.LearningRate) != BitConverter.SingleToInt32Bits(_decisions.LearningRate))
            optimizer.LearningRate = _decisions.LearningRate;
    }

    /// <summary>Rank 0's measure of the validation data (<paramref name="measured"/> there), on every process.</summary>
    public EvaluationResult ShareValidation(EvaluationResult? measured)
    {
        if (IsRoot)
        {
            _validation[0] = measured!.Loss;
            _validation[1] = measured.Accuracy ?? 0f;
            _validation[2] = measured.Accuracy.HasValue ? 1f : 0f;
        }
        _world.Broadcast(MemoryMarshal.AsBytes(_validation.AsSpan()), 0);
        return new EvaluationResult(_validation[0], _validation[2] != 0f ? _validation[1] : null);
    }

    /// <summary>Throws on every process if any process's parameters or optimizer state differ from rank 0's.</summary>
    public void CheckSameParameters(INetworkModel network, OptimizerState optimizer, string when)
    {
        ulong hash = BitHash.Of(network.Parameters);
        foreach (var buffer in optimizer.Buffers) hash = BitHash.Of(buffer, hash);
        Agree(hash, $"parameters {when}",
            "The processes applied the same summed gradient but computed different bits from it: run them on machines of the same " +
            "SIMD width and the same .NET (the norms ClipNorm and GlobalClipNorm clip by are summed in vectors of the machine's width).");
    }

    // Every process sends its value and SIMD width to rank 0, which broadcasts the first that differs from its own.
    private void Agree(ulong value, string what, string advice)
    {
        _mine[0] = value;
        _mine[1] = (ulong)Lanes.WidestFor(int.MaxValue);
        if (IsRoot)
        {
            _verdict[0] = NoRank;
            for (int rank = 1; rank < _world.Size; rank++)
            {
                _world.Receive(MemoryMarshal.AsBytes(_theirs.AsSpan()), rank);
                if (_verdict[0] == NoRank && _theirs[0] != value)
                    (_verdict[0], _verdict[1], _verdict[2]) = ((ulong)rank, _theirs[0], _theirs[1]);
            }
            (_verdict[3], _verdict[4]) = (_mine[0], _mine[1]);
        }
        else
            _world.Send(MemoryMarshal.AsBytes(_mine.AsSpan()), 0);
        _world.Broadcast(MemoryMarshal.AsBytes(_verdict.AsSpan()), 0);
        if (_verdict[0] == NoRank) return;
        throw new DistributedTrainingException(
            $"The processes' {what} differ: rank {_verdict[0]}'s hash is {_verdict[1]:x16} ({Width(_verdict[2])}), " +
            $"rank 0's is {_verdict[3]:x16} ({Width(_verdict[4])}). {advice}")
        { EveryProcessThrows = true };
    }

    private static string Width(ulong width) => (SimdWidth)width switch
    {
        SimdWidth.Vector512 => "512-bit vectors",
        SimdWidth.Vector256 => "256-bit vectors",
        SimdWidth.Vector128 => "128-bit vectors",
        _ => "no vectors",
    };

    // What must be the same for the processes to train as one: everything that changes a step's bits or the
    // number of steps; not the threads, nor what only rank 0 does (progress, callbacks).
    private static ulong OptionsHash(INetworkModel network, TrainOptions options)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // records print their numbers in it
        try
        {
            string text = string.Join("|", network.GetType().FullName, network.Parameters.Length, options.Epochs, options.BatchSize,
                options.Optimizer, options.Shuffle, options.Seed, options.ValidationSplit, options.EarlyStopping,
                options.Distributed!.Size, options.Distributed.GradientSum);
            return BitHash.Of(text);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static ulong StateHash(OptimizerState optimizer, TrainingState state)
    {
        ulong hash = BitHash.Combine(BitHash.Combine((ulong)state.EpochsCompleted, (ulong)state.StepsTaken), (ulong)optimizer.Iterations);
        hash = BitHash.Combine(hash, (ulong)BitConverter.SingleToInt32Bits(optimizer.LearningRate));
        foreach (var buffer in optimizer.Buffers) hash = BitHash.Of(buffer, hash);
        return hash;
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct Decisions(int Stop, float LearningRate);
}
