using System.ComponentModel;
using NetDsl.Simd;

namespace NetDsl.Runtime;

/// <summary>
/// The register blocks of the matrix kernels. The public kernels take the one that fits this machine's
/// registers (<see cref="Kernels.MachineBlocking"/>); tests and benchmarks can force either on any machine.
/// </summary>
internal enum KernelBlocking
{
    /// <summary>
    /// Blocks of 16 vector accumulators (four rows × four vectors of columns, or × four units): for machines
    /// with 32 vector registers (x64 with AVX-512, Arm64). Correct anywhere; with 16 registers they spill.
    /// </summary>
    Large,

    /// <summary>Blocks of 8 accumulators (four rows × two vectors, or × two units): for 16-register machines (x64 without AVX-512).</summary>
    Small,
}

/// <summary>What every kernel shares: argument checks and the choice of register blocks.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Kernels
{
    /// <summary>The blocking the public kernels use here: <see cref="KernelBlocking.Large"/> with 32 vector registers, else <see cref="KernelBlocking.Small"/>.</summary>
    internal static KernelBlocking MachineBlocking => Lanes.ManyRegisters ? KernelBlocking.Large : KernelBlocking.Small;

    private static void RequireLength(int actual, long expected, string name, string shape, int rows, int columns)
    {
        if (actual < expected)
        {
            throw new ArgumentException(
                $"Span '{name}' is too short: expected at least {expected} elements ({shape} = {rows}×{columns}), but its length is {actual}.",
                name);
        }
    }

    private static void RequireNoOverlap(ReadOnlySpan<float> output, ReadOnlySpan<float> input, string outputName, string inputName)
    {
        if (output.Overlaps(input))
            throw new ArgumentException($"Span '{outputName}' must not overlap span '{inputName}'.", outputName);
    }

    private static ArgumentOutOfRangeException UnknownPath(SimdWidth path) =>
        new(nameof(path), path, "Expected one of the SimdWidth values.");
}
