namespace NetDsl.Runtime;

/// <summary>
/// A tile dimension known when the JIT compiles a kernel: a generic struct argument, so each instantiation of
/// <see cref="Kernels"/>' register tile has its row and vector counts as constants and keeps only the
/// accumulators it uses.
/// </summary>
internal interface IConstant
{
    static abstract int Value { get; }
}

internal readonly struct One : IConstant { public static int Value => 1; }

internal readonly struct Two : IConstant { public static int Value => 2; }

internal readonly struct Three : IConstant { public static int Value => 3; }

internal readonly struct Four : IConstant { public static int Value => 4; }

internal readonly struct Six : IConstant { public static int Value => 6; }

internal readonly struct Eight : IConstant { public static int Value => 8; }
