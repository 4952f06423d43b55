using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetDsl.Simd;

/// <summary>The vector widths of <see cref="ILanes{TSelf}"/>, by their number of floats.</summary>
internal enum SimdWidth
{
    /// <summary><see cref="Lane1"/>: one float at a time.</summary>
    Scalar = 1,

    /// <summary><see cref="Lanes128"/>.</summary>
    Vector128 = 4,

    /// <summary><see cref="Lanes256"/>.</summary>
    Vector256 = 8,

    /// <summary><see cref="Lanes512"/>.</summary>
    Vector512 = 16,
}

/// <summary>What this machine's vector hardware offers, and the dispatch to the widest width it accelerates.</summary>
internal static class Lanes
{
    /// <summary>
    /// True with 32 vector registers (x64 with AVX-512, Arm64), which hold the kernels' larger register blocks;
    /// x64 without AVX-512 has 16, and the kernels switch to blocks half the size instead of spilling.
    /// </summary>
    public static bool ManyRegisters => Avx512F.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>True when a fused multiply-add is one instruction; without it the emulation would be far slower than multiply + add.</summary>
    public static bool HasFma => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>Whether <paramref name="width"/> runs on vector hardware here.</summary>
    public static bool IsHardwareAccelerated(SimdWidth width) => width switch
    {
        SimdWidth.Vector512 => Vector512.IsHardwareAccelerated,
        SimdWidth.Vector256 => Vector256.IsHardwareAccelerated,
        SimdWidth.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>The widest accelerated width whose vectors <paramref name="length"/> floats fill; <see cref="SimdWidth.Scalar"/> when none does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SimdWidth WidestFor(int length)
    {
        if (Vector512.IsHardwareAccelerated && length >= Vector512<float>.Count)
            return SimdWidth.Vector512;
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
            return SimdWidth.Vector256;
        if (Vector128.IsHardwareAccelerated && length >= Vector128<float>.Count)
            return SimdWidth.Vector128;
        return SimdWidth.Scalar;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> over elements 0 … <paramref name="length"/> − 1: the widest accelerated
    /// vectors first, then the narrower ones on what is left, then single floats.
    /// </summary>
    /// <remarks>
    /// NoInlining, so that this method is the root of its own compilation: it inlines the operation once per
    /// width, dozens of lane operations each, and inlined into a caller (an optimizer's Step inlined into a
    /// training loop, say) that caller's inlining budget ran out and the lane operations became calls, some
    /// fifty times slower. AggressiveOptimization: optimised at its first call, not after a phase of
    /// unoptimised code in which every lane operation is a call.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOperation>(scoped in TOperation operation, int length)
        where TOperation : IElementwise, allows ref struct
    {
        // A copy in this frame: the caller's may alias the spans being written, so its fields would be
        // read again after every store; this one's stay in registers.
        TOperation op = operation;
        nuint n = (nuint)length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector512<float>.Count; i += (nuint)Vector512<float>.Count)
                op.Apply<Lanes512>(i);
        if (Vector256.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector256<float>.Count; i += (nuint)Vector256<float>.Count)
                op.Apply<Lanes256>(i);
        if (Vector128.IsHardwareAccelerated)
            for (; n - i >= (nuint)Vector128<float>.Count; i += (nuint)Vector128<float>.Count)
                op.Apply<Lanes128>(i);
        for (; i < n; i++)
            op.Apply<Lane1>(i);
    }
}
