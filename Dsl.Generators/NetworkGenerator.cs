using Microsoft.CodeAnalysis;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Parse;

namespace NetDsl.Generators;

/// <summary>
/// Writes each [Network] class's forward pass, backpropagation and training API as readable C#.
/// The pipeline: find the networks, parse each into a plain model, emit it; find stray layer
/// attributes and report them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.NetworkAttribute,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax,
                transform: Parser.Parse)
            .WithTrackingName(TrackingNames.Networks);

        var strayDense = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.DenseAttribute, static (node, _) => true, Parser.ParseStrayLayer)
            .WithTrackingName(TrackingNames.StrayDense);
        var strayDropout = context.SyntaxProvider
            .ForAttributeWithMetadataName(KnownNames.DropoutAttribute, static (node, _) => true, Parser.ParseStrayLayer)
            .WithTrackingName(TrackingNames.StrayDropout);

        context.RegisterSourceOutput(networks, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (result.Network is { } network)
                output.AddSource(Emitter.HintName(network), Emitter.Emit(network));
        });
        context.RegisterSourceOutput(strayDense, static (output, diagnostic) =>
        {
            if (diagnostic is not null) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
        context.RegisterSourceOutput(strayDropout, static (output, diagnostic) =>
        {
            if (diagnostic is not null) output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
    }
}

/// <summary>The names of the pipeline's steps, for incremental-caching tests.</summary>
public static class TrackingNames
{
    public const string Networks = nameof(Networks);
    public const string StrayDense = nameof(StrayDense);
    public const string StrayDropout = nameof(StrayDropout);
}
