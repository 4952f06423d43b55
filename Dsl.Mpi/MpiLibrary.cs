using System.Runtime.InteropServices;
using System.Text;

namespace NetDsl.Mpi;

/// <summary>
/// The few MPI calls NetDsl needs, bound at run time to the system's libmpi: Open MPI (libmpi.so.40) or an
/// MPICH-ABI library (MPICH, Intel MPI, MVAPICH: libmpich.so.12). The two ABIs differ in their handles —
/// pointers to exported objects in Open MPI (<c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>), fixed
/// integers in MPICH (<c>0x44000000</c>) — and in a few constants (<c>MPI_STATUS_IGNORE</c> is 0 in Open MPI,
/// 1 in MPICH; <c>MPI_IN_PLACE</c> 1 and −1), so every call that takes a handle has one signature per ABI.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    public const int Success = 0, ThreadSerialized = 2;

    private readonly nint _library;
    private readonly nint _world, _byte, _float, _sum, _errorsReturn; // Open MPI: addresses; MPICH: the integer handles
    private readonly nint _statusIgnore, _inPlace;
    private readonly delegate* unmanaged<int*, int> _initialized, _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;
    private readonly nint _commRank, _commSize, _setErrhandler, _send, _recv, _bcast, _allreduce, _barrier, _abort;

    private MpiLibrary(nint library, string path, bool openMpi)
    {
        _library = library;
        Path = path;
        OpenMpi = openMpi;
        if (openMpi)
        {
            _world = Export("ompi_mpi_comm_world");
            _byte = Export("ompi_mpi_byte");
            _float = Export("ompi_mpi_float");
            _sum = Export("ompi_mpi_op_sum");
            _errorsReturn = Export("ompi_mpi_errors_return");
            (_statusIgnore, _inPlace) = (0, 1);
        }
        else
        {
            (_world, _byte, _float, _sum, _errorsReturn) = (0x44000000, 0x4c00010d, 0x4c00040a, 0x58000003, 0x54000001);
            (_statusIgnore, _inPlace) = (1, -1);
        }
        _initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version");
        _commRank = Export("MPI_Comm_rank");
        _commSize = Export("MPI_Comm_size");
        _setErrhandler = Export("MPI_Comm_set_errhandler");
        _send = Export("MPI_Send");
        _recv = Export("MPI_Recv");
        _bcast = Export("MPI_Bcast");
        _allreduce = Export("MPI_Allreduce");
        _barrier = Export("MPI_Barrier");
        _abort = Export("MPI_Abort");
    }

    /// <summary>The file loaded.</summary>
    public string Path { get; }

    /// <summary>Open MPI's ABI (pointer handles); otherwise MPICH's (integer handles).</summary>
    public bool OpenMpi { get; }

    /// <summary>
    /// Loads the library: <c>NETDSL_MPI_LIBRARY</c> if set, else the one that matches the launcher (Open MPI's
    /// mpirun sets <c>OMPI_COMM_WORLD_SIZE</c>), else the first of MPICH's and Open MPI's that loads.
    /// </summary>
    public static MpiLibrary Load()
    {
        string[] openMpi = ["libmpi.so.40"], mpich = ["libmpich.so.12", "libmpi.so.12"];
        string[] candidates = Environment.GetEnvironmentVariable("NETDSL_MPI_LIBRARY") is { Length: > 0 } chosen ? [chosen]
            : Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null ? [.. openMpi, .. mpich, "libmpi.so"]
            : [.. mpich, .. openMpi, "libmpi.so"];
        foreach (string name in candidates)
            if (NativeLibrary.TryLoad(name, out nint library))
                return new MpiLibrary(library, name, NativeLibrary.TryGetExport(library, "ompi_mpi_comm_world", out _));
        throw new DllNotFoundException(
            $"No MPI library found (tried {string.Join(", ", candidates)}). Install Open MPI (Debian: apt-get install openmpi-bin) " +
            "or MPICH, or set NETDSL_MPI_LIBRARY to the library's path.");
    }

    private nint Export(string name) => NativeLibrary.TryGetExport(_library, name, out nint address) ? address
        : throw new EntryPointNotFoundException($"{Path} has no {name}: it is not an MPI library of Open MPI's or MPICH's ABI.");

    public bool Initialized()
    {
        int flag;
        Check(_initialized(&flag), "MPI_Initialized");
        return flag != 0;
    }

    public bool Finalized()
    {
        int flag;
        Check(_finalized(&flag), "MPI_Finalized");
        return flag != 0;
    }

    /// <summary>MPI_Init_thread(NULL, NULL, required, &amp;provided), then errors returned as codes on the world, not fatal.</summary>
    public int InitThread(int required)
    {
        int provided;
        Check(_initThread(null, null, required, &provided), "MPI_Init_thread");
        int code = OpenMpi ? ((delegate* unmanaged<nint, nint, int>)_setErrhandler)(_world, _errorsReturn)
            : ((delegate* unmanaged<int, int, int>)_setErrhandler)((int)_world, (int)_errorsReturn);
        Check(code, "MPI_Comm_set_errhandler");
        return provided;
    }

    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    public int Rank()
    {
        int rank;
        Check(OpenMpi ? ((delegate* unmanaged<nint, int*, int>)_commRank)(_world, &rank) : ((delegate* unmanaged<int, int*, int>)_commRank)((int)_world, &rank), "MPI_Comm_rank");
        return rank;
    }

    public int Size()
    {
        int size;
        Check(OpenMpi ? ((delegate* unmanaged<nint, int*, int>)_commSize)(_world, &size) : ((delegate* unmanaged<int, int*, int>)_commSize)((int)_world, &size), "MPI_Comm_size");
        return size;
    }

    // Blocking calls on the world, as MPI's own progress loops make them fastest; MpiWorld's watchdog ends the
    // process if one never returns. They return MPI's error code, for the caller to hand to Check.

    public int Send(void* buffer, int bytes, int destination, int tag) => OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, int, nint, int>)_send)(buffer, bytes, _byte, destination, tag, _world)
        : ((delegate* unmanaged<void*, int, int, int, int, int, int>)_send)(buffer, bytes, (int)_byte, destination, tag, (int)_world);

    /// <summary>MPI_Recv with MPI_STATUS_IGNORE.</summary>
    public int Receive(void* buffer, int bytes, int source, int tag) => OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, int, nint, nint, int>)_recv)(buffer, bytes, _byte, source, tag, _world, _statusIgnore)
        : ((delegate* unmanaged<void*, int, int, int, int, int, nint, int>)_recv)(buffer, bytes, (int)_byte, source, tag, (int)_world, _statusIgnore);

    public int Broadcast(void* buffer, int bytes, int root) => OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, nint, int>)_bcast)(buffer, bytes, _byte, root, _world)
        : ((delegate* unmanaged<void*, int, int, int, int, int>)_bcast)(buffer, bytes, (int)_byte, root, (int)_world);

    /// <summary>MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, world).</summary>
    public int AllReduceSum(float* values, int count) => OpenMpi
        ? ((delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)_allreduce)((void*)_inPlace, values, count, _float, _sum, _world)
        : ((delegate* unmanaged<void*, void*, int, int, int, int, int>)_allreduce)((void*)_inPlace, values, count, (int)_float, (int)_sum, (int)_world);

    public int Barrier() => OpenMpi
        ? ((delegate* unmanaged<nint, int>)_barrier)(_world)
        : ((delegate* unmanaged<int, int>)_barrier)((int)_world);

    /// <summary>MPI_Abort on the world: ends every process of the job; does not return.</summary>
    public void Abort(int errorCode)
    {
        if (OpenMpi) ((delegate* unmanaged<nint, int, int>)_abort)(_world, errorCode);
        else ((delegate* unmanaged<int, int, int>)_abort)((int)_world, errorCode);
    }

    public string LibraryVersion()
    {
        var text = new byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING: 256 in Open MPI, 8192 in MPICH
        int length;
        fixed (byte* buffer = text) Check(_libraryVersion(buffer, &length), "MPI_Get_library_version");
        return Encoding.UTF8.GetString(text, 0, Math.Clamp(length, 0, text.Length)).TrimEnd('\0', '\n', ' ');
    }

    /// <summary>Throws <see cref="DistributedTrainingException"/> with MPI's own words unless <paramref name="code"/> is MPI_SUCCESS.</summary>
    public void Check(int code, string call)
    {
        if (code == Success) return;
        var text = new byte[1024]; // MPI_MAX_ERROR_STRING: 256 in Open MPI, 512 in MPICH
        int length = 0;
        fixed (byte* buffer = text) _errorString(code, buffer, &length);
        throw new DistributedTrainingException($"{call} failed with MPI error {code}: {Encoding.UTF8.GetString(text, 0, Math.Clamp(length, 0, text.Length))}");
    }
}
