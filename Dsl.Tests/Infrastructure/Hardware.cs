using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using NetDsl.Simd;

namespace NetDsl.Tests.Infrastructure;

/// <summary>Skips a test that needs vector hardware this machine lacks, saying what it lacks.</summary>
internal static class Hardware
{
    /// <summary>Skips the running test unless this machine accelerates <paramref name="width"/>.</summary>
    public static void SkipUnlessAccelerated(SimdWidth width)
    {
        if (!Lanes.IsHardwareAccelerated(width))
            Assert.Skip(Lacks(width));
    }

    /// <summary>What this machine lacks for <paramref name="width"/>, as a skip reason.</summary>
    public static string Lacks(SimdWidth width)
    {
        bool x86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
        return width switch
        {
            // Some CPUs have AVX-512 but .NET prefers 256-bit vectors on them (or DOTNET_PreferredVectorBitWidth says so).
            SimdWidth.Vector512 when Avx512F.IsSupported => "this machine has AVX-512, but .NET does not accelerate Vector512 on it",
            SimdWidth.Vector512 when x86 => "this machine has no AVX-512",
            SimdWidth.Vector512 => "this machine has no 512-bit vectors",
            SimdWidth.Vector256 when x86 => "this machine has no AVX2",
            SimdWidth.Vector256 => "this machine has no 256-bit vectors",
            _ => "this machine has no 128-bit vectors",
        };
    }
}
