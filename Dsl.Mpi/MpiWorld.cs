namespace NetDsl.Mpi;

/// <summary>
/// The processes of an MPI job (MPI_COMM_WORLD), as <see cref="Mpi.Start"/> gives them: pass it as
/// <see cref="TrainOptions.Distributed"/>. Dispose it at the end of the program, which finalizes MPI.
/// </summary>
/// <remarks>
/// Calls use MPI's blocking operations and wait at most <see cref="Timeout"/>: a rank whose call waits longer —
/// a peer died or hangs — prints why and ends, and <c>mpirun</c> then ends the job. Call it from one thread
/// at a time (Fit calls it from its own).
/// </remarks>
public sealed unsafe class MpiWorld : ICommunicator, IDisposable
{
    private const int Tag = 1709;
    private const int MaxMessageBytes = 1 << 30; // MPI counts are ints: longer buffers go in pieces
    private readonly MpiLibrary? _mpi;            // null: a world of one process, started without a launcher
    private readonly Watchdog? _watchdog;
    private bool _broken, _disposed;

    internal MpiWorld(MpiLibrary? mpi, GradientSum gradientSum, TimeSpan timeout)
    {
        _mpi = mpi;
        GradientSum = gradientSum;
        Timeout = timeout;
        (Rank, Size) = mpi is null ? (0, 1) : (mpi.Rank(), mpi.Size());
        LibraryVersion = mpi is null ? "none: one process, started without an MPI launcher" : $"{mpi.LibraryVersion().Split('\n')[0].Trim()} ({mpi.Path})";
        if (Size > 1) _watchdog = new Watchdog(timeout, Rank, Size);
    }

    /// <summary>This process's rank in the job, from 0.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the job; 1 for a program started without <c>mpirun</c>.</summary>
    public int Size { get; }

    /// <summary>How the gradients are summed: <see cref="GradientSum.Ordered"/> (the bits of one process) or by MPI_Allreduce.</summary>
    public GradientSum GradientSum { get; }

    /// <summary>How long a call waits for its peers before this process gives up on them and ends.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use (the first line of MPI_Get_library_version) and its file.</summary>
    public string LibraryVersion { get; }

    public void Send(ReadOnlySpan<byte> data, int destination)
    {
        CheckPeer(destination);
        int at = 0;
        do
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            fixed (byte* buffer = piece)
            {
                Begin("MPI_Send", destination);
                End(_mpi!.Send(buffer, piece.Length, destination, Tag), "MPI_Send");
            }
            at += piece.Length;
        }
        while (at < data.Length);
    }

    public void Receive(Span<byte> data, int source)
    {
        CheckPeer(source);
        int at = 0;
        do
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            fixed (byte* buffer = piece)
            {
                Begin("MPI_Recv", source);
                End(_mpi!.Receive(buffer, piece.Length, source, Tag), "MPI_Recv");
            }
            at += piece.Length;
        }
        while (at < data.Length);
    }

    public void Broadcast(Span<byte> data, int root)
    {
        CheckPeer(root, allowSelf: true);
        if (Size == 1) return;
        for (int at = 0; at < data.Length; at += MaxMessageBytes)
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            fixed (byte* buffer = piece)
            {
                Begin("MPI_Bcast", root);
                End(_mpi!.Broadcast(buffer, piece.Length, root), "MPI_Bcast");
            }
        }
    }

    public void AllReduceSum(Span<float> values)
    {
        ThrowIfUnusable();
        if (Size == 1) return;
        const int maxFloats = MaxMessageBytes / sizeof(float);
        for (int at = 0; at < values.Length; at += maxFloats)
        {
            var piece = values.Slice(at, Math.Min(maxFloats, values.Length - at));
            fixed (float* buffer = piece)
            {
                Begin("MPI_Allreduce", -1);
                End(_mpi!.AllReduceSum(buffer, piece.Length), "MPI_Allreduce");
            }
        }
    }

    /// <summary>Waits until every process has called it.</summary>
    public void Barrier()
    {
        ThrowIfUnusable();
        if (Size == 1) return;
        Begin("MPI_Barrier", -1);
        End(_mpi!.Barrier(), "MPI_Barrier");
    }

    /// <summary>
    /// Writes <paramref name="error"/> to standard error, naming this rank, and aborts the job (MPI_Abort with
    /// code 1): every process of it ends, this one too, and mpirun exits with an error. Without MPI (one
    /// process) it returns, and Fit rethrows.
    /// </summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_mpi is null || _disposed) return;
        Console.Out.Flush();
        Console.Error.WriteLine($"NetDsl.Mpi: rank {Rank} of {Size} failed, aborting every rank: {error}");
        Console.Error.Flush();
        _mpi.Abort(1);
    }

    /// <summary>Finalizes MPI (once every process gets here). After a failed call the job is aborted instead: its peers are gone.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _watchdog?.Dispose();
        if (_mpi is null || _mpi.Finalized()) return;
        if (_broken) _mpi.Abort(1);
        else _mpi.FinalizeMpi();
    }

    // A blocking MPI call starts: the watchdog ends the process if it is still waiting after Timeout.
    private void Begin(string call, int peer) => _watchdog?.Begin(call, peer);

    // It returned: an error code breaks the world (its peers cannot go on with this process) and throws.
    private void End(int code, string call)
    {
        _watchdog?.End();
        if (code == MpiLibrary.Success) return;
        _broken = true;
        _mpi!.Check(code, call);
    }

    private void CheckPeer(int peer, bool allowSelf = false)
    {
        ThrowIfUnusable();
        if ((uint)peer >= (uint)Size || (!allowSelf && peer == Rank))
            throw new ArgumentOutOfRangeException(nameof(peer), peer, $"Expected another rank in [0, {Size}), not {(peer == Rank ? "this one" : peer.ToString())}.");
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken) throw new InvalidOperationException("An earlier call on this world failed; its processes cannot go on together. Fail or dispose it.");
    }
}
