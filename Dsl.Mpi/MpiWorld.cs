using System.Diagnostics;

namespace NetDsl.Mpi;

/// <summary>
/// The processes of an MPI job (MPI_COMM_WORLD), as <see cref="Mpi.Start"/> gives them: pass it as
/// <see cref="TrainOptions.Distributed"/>. Dispose it at the end of the program, which finalizes MPI.
/// </summary>
/// <remarks>
/// Every call is non-blocking underneath and waits at most <see cref="Timeout"/>: a peer that died or hangs
/// makes it throw <see cref="DistributedTrainingException"/> instead of waiting forever, and Fit then calls
/// <see cref="Fail"/>, which aborts the job. Call it from one thread at a time (Fit calls it from its own).
/// </remarks>
public sealed unsafe class MpiWorld : ICommunicator, IDisposable
{
    private const int Tag = 1709;
    private const int MaxMessageBytes = 1 << 30; // MPI counts are ints: longer buffers go in pieces
    private readonly MpiLibrary? _mpi;            // null: a world of one process, started without a launcher
    private bool _broken, _disposed;

    internal MpiWorld(MpiLibrary? mpi, GradientSum gradientSum, TimeSpan timeout)
    {
        _mpi = mpi;
        GradientSum = gradientSum;
        Timeout = timeout;
        (Rank, Size) = mpi is null ? (0, 1) : (mpi.Rank(), mpi.Size());
        LibraryVersion = mpi is null ? "none: one process, started without an MPI launcher" : $"{mpi.LibraryVersion()} ({mpi.Path})";
    }

    /// <summary>This process's rank in the job, from 0.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the job; 1 for a program started without <c>mpirun</c>.</summary>
    public int Size { get; }

    /// <summary>How the gradients are summed: <see cref="GradientSum.Ordered"/> (the bits of one process) or by MPI_Allreduce.</summary>
    public GradientSum GradientSum { get; }

    /// <summary>How long a call waits for its peers before it gives up on them.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The MPI library in use (MPI_Get_library_version) and its file.</summary>
    public string LibraryVersion { get; }

    public void Send(ReadOnlySpan<byte> data, int destination)
    {
        CheckPeer(destination);
        for (int at = 0; at < data.Length || at == 0; at += MaxMessageBytes)
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            nint request = 0;
            fixed (byte* buffer = piece)
            {
                Mpi!.Isend(buffer, piece.Length, destination, Tag, &request);
                Wait(&request, $"rank {destination} to receive", destination);
            }
            if (data.Length == 0) break;
        }
    }

    public void Receive(Span<byte> data, int source)
    {
        CheckPeer(source);
        for (int at = 0; at < data.Length || at == 0; at += MaxMessageBytes)
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            nint request = 0;
            fixed (byte* buffer = piece)
            {
                Mpi!.Irecv(buffer, piece.Length, source, Tag, &request);
                Wait(&request, $"a message from rank {source}", source);
            }
            if (data.Length == 0) break;
        }
    }

    public void Broadcast(Span<byte> data, int root)
    {
        CheckPeer(root, allowSelf: true);
        if (Size == 1) return;
        for (int at = 0; at < data.Length || at == 0; at += MaxMessageBytes)
        {
            var piece = data.Slice(at, Math.Min(MaxMessageBytes, data.Length - at));
            nint request = 0;
            fixed (byte* buffer = piece)
            {
                Mpi!.Ibcast(buffer, piece.Length, root, &request);
                Wait(&request, $"a broadcast from rank {root}", root);
            }
            if (data.Length == 0) break;
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
            nint request = 0;
            fixed (float* buffer = piece)
            {
                Mpi!.IallreduceSum(buffer, piece.Length, &request);
                Wait(&request, "an all-reduce", peer: -1);
            }
        }
    }

    /// <summary>Waits until every process has called it.</summary>
    public void Barrier()
    {
        ThrowIfUnusable();
        if (Size == 1) return;
        nint request = 0;
        Mpi!.Ibarrier(&request);
        Wait(&request, "the other processes at a barrier", peer: -1);
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
        if (_mpi is null || _mpi.Finalized()) return;
        if (_broken) _mpi.Abort(1);
        else _mpi.FinalizeMpi();
    }

    private MpiLibrary? Mpi => _mpi;

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

    // Polls the request until it is done: spinning at first (a peer's answer is usually microseconds away),
    // then yielding the core, then sleeping a millisecond at a time; gives up after Timeout.
    private void Wait(nint* request, string what, int peer)
    {
        long start = Stopwatch.GetTimestamp();
        for (int polls = 0; ; polls++)
        {
            bool done;
            try
            {
                done = Mpi!.Test(request);
            }
            catch
            {
                _broken = true;
                throw;
            }
            if (done) return;
            var waited = Stopwatch.GetElapsedTime(start);
            if (waited > Timeout)
            {
                _broken = true;
                throw new DistributedTrainingException(
                    $"Rank {Rank} of {Size} waited {Timeout.TotalSeconds:0.#} s for {what}" +
                    (peer >= 0 ? $": rank {peer} stopped answering (it died, hangs, or its program took another path)." : ": a rank stopped answering.") +
                    " Every rank must call Fit with the same data and options.");
            }
            if (polls < 2000) Thread.SpinWait(16);
            else if (waited < TimeSpan.FromMilliseconds(20)) Thread.Yield();
            else Thread.Sleep(1);
        }
    }
}
