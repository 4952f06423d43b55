using System.Runtime.ExceptionServices;

namespace NetDsl;

/// <summary>
/// A few long-lived threads that run the work items of one call, then wait for the next call.
/// Items are dealt out statically (worker t takes t, t + W, t + 2W …) and the caller is worker 0,
/// so a call allocates nothing and the threads never see a stale call. Between calls the threads
/// spin a while before they sleep (<see cref="WakeSignal"/>), so the next call finds them awake.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly WakeSignal[] _wake;
    private readonly WakeSignal _done = new();
    private Action<int>? _body;
    private int _count, _workers, _pending;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int workers)
    {
        int helpers = Math.Max(0, workers - 1);
        _threads = new Thread[helpers];
        _wake = new WakeSignal[helpers];
        for (int t = 0; t < helpers; t++)
        {
            int worker = t + 1;
            _wake[t] = new WakeSignal();
            _threads[t] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"NetDsl worker {worker}" };
            _threads[t].Start();
        }
    }

    /// <summary>Threads available, the caller included.</summary>
    public int Workers => _threads.Length + 1;

    /// <summary>Runs <paramref name="body"/> for 0 … count − 1 and returns when all are done.</summary>
    public void Run(int count, Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int workers = Math.Min(Workers, count);
        if (workers <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        _body = body;
        _count = count;
        _workers = workers;
        _error = null;
        _pending = workers - 1;
        for (int t = 0; t < workers - 1; t++) _wake[t].Set();
        Work(0);
        _done.Wait();
        if (_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void Work(int worker)
    {
        try
        {
            for (int i = worker; i < _count; i += _workers) _body!(i);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
    }

    private void Loop(int worker)
    {
        while (true)
        {
            _wake[worker - 1].Wait();
            if (_disposed) return;
            Work(worker);
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var wake in _wake) wake.Set();
    }
}
