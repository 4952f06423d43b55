using System;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Catalog;

/// <summary>The initializers, as comments name them. The runtime draws the weights (<c>Initializers.Fill</c>); the generated code passes the enum value.</summary>
internal static class InitializerDefinitions
{
    /// <summary>"Glorot uniform", "He normal", "zero" (as in "zero weights").</summary>
    public static string Name(InitializerKind initializer) => initializer switch
    {
        InitializerKind.GlorotUniform => "Glorot uniform",
        InitializerKind.HeUniform => "He uniform",
        InitializerKind.GlorotNormal => "Glorot normal",
        InitializerKind.HeNormal => "He normal",
        InitializerKind.Zeros => "zero",
        _ => throw new InvalidOperationException($"Unknown initializer {initializer}"),
    };
}
