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
    private readonly delegate* unmanaged<nint*, int*, nint, int> _test;     // (MPI_Request*, int*, MPI_Status*)
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;
    private readonly nint _commRank, _commSize, _setErrhandler, _isend, _irecv, _ibcast, _iallreduce, _ibarrier, _abort;

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
        _test = (delegate* unmanaged<nint*, int*, nint, int>)Export("MPI_Test");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version");
        _commRank = Export("MPI_Comm_rank");
        _commSize = Export("MPI_Comm_size");
        _setErrhandler = Export("MPI_Comm_set_errhandler");
        _isend = Export("MPI_Isend");
        _irecv = Export("MPI_Irecv");
        _ibcast = Export("MPI_Ibcast");
        _iallreduce = Export("MPI_Iallreduce");
        _ibarrier = Export("MPI_Ibarrier");
        _abort = Export("MPI_Abort");
    }

    /// <summary>The file loaded.</summary>
    public string Path { get; }

    /// <summary>Open MPI's ABI (pointer handles); otherwise MPICH's (integer handles).</summary>
    public bool OpenMpi { get; }

    /// <summary>
    /// Loads the library: <c>NETDSL_MPI_LIBRARY</c> if set, else the one that matches the launcher (Open MPI's
    /// mpirun sets <c>OMPI_COMM_WORLD_SIZE</c>), else the first of Open MPI's and MPICH's that loads.
    /// </summary>
    public static MpiLibrary Load()
    {
        string[] openMpi = ["libmpi.so.40"], mpich = ["libmpich.so.12", "libmpi.so.12"];
        IEnumerable<string> candidates = Environment.GetEnvironmentVariable("NETDSL_MPI_LIBRARY") is { Length: > 0 } chosen ? [chosen]
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
        : throw new EntryPointNotFoundException($"{Path} has no {name}: it is not an MPI 3 library of Open MPI's or MPICH's ABI.");

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

    // Each call starts a non-blocking operation on the world and writes its request into *request, an 8-byte
    // slot that holds either ABI's request (a pointer, or an int in its low half).

    public void Isend(void* buffer, int bytes, int destination, int tag, nint* request) => Check(OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)_isend)(buffer, bytes, _byte, destination, tag, _world, request)
        : ((delegate* unmanaged<void*, int, int, int, int, int, nint*, int>)_isend)(buffer, bytes, (int)_byte, destination, tag, (int)_world, request), "MPI_Isend");

    public void Irecv(void* buffer, int bytes, int source, int tag, nint* request) => Check(OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)_irecv)(buffer, bytes, _byte, source, tag, _world, request)
        : ((delegate* unmanaged<void*, int, int, int, int, int, nint*, int>)_irecv)(buffer, bytes, (int)_byte, source, tag, (int)_world, request), "MPI_Irecv");

    public void Ibcast(void* buffer, int bytes, int root, nint* request) => Check(OpenMpi
        ? ((delegate* unmanaged<void*, int, nint, int, nint, nint*, int>)_ibcast)(buffer, bytes, _byte, root, _world, request)
        : ((delegate* unmanaged<void*, int, int, int, int, nint*, int>)_ibcast)(buffer, bytes, (int)_byte, root, (int)_world, request), "MPI_Ibcast");

    /// <summary>MPI_Iallreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, world).</summary>
    public void IallreduceSum(float* values, int count, nint* request) => Check(OpenMpi
        ? ((delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)_iallreduce)((void*)_inPlace, values, count, _float, _sum, _world, request)
        : ((delegate* unmanaged<void*, void*, int, int, int, int, nint*, int>)_iallreduce)((void*)_inPlace, values, count, (int)_float, (int)_sum, (int)_world, request), "MPI_Iallreduce");

    public void Ibarrier(nint* request) => Check(OpenMpi
        ? ((delegate* unmanaged<nint, nint*, int>)_ibarrier)(_world, request)
        : ((delegate* unmanaged<int, nint*, int>)_ibarrier)((int)_world, request), "MPI_Ibarrier");

    /// <summary>MPI_Test with MPI_STATUS_IGNORE: whether the request is done (MPI then frees it).</summary>
    public bool Test(nint* request)
    {
        int done;
        Check(_test(request, &done, _statusIgnore), "MPI_Test");
        return done != 0;
    }

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

    private void Check(int code, string call)
    {
        if (code == Success) return;
        var text = new byte[1024]; // MPI_MAX_ERROR_STRING: 256 in Open MPI, 512 in MPICH
        int length = 0;
        fixed (byte* buffer = text) _errorString(code, buffer, &length);
        throw new DistributedTrainingException($"{call} failed with MPI error {code}: {Encoding.UTF8.GetString(text, 0, Math.Clamp(length, 0, text.Length))}");
    }
}
