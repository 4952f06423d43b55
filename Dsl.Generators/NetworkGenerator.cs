using Microsoft.CodeAnalysis;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Parse;

namespace NetDsl.Generators;

/// <summary>
/// Writes each [Network] class's forward pass, backpropagation and training API as readable C#.
/// The pipeline: find the networks, parse each into a plain model, emit the sound ones.
/// (<see cref="NetworkAnalyzer"/> reports the problems of the others.)
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

        context.RegisterSourceOutput(networks, static (output, result) =>
        {
            if (result.Network is { } network)
                output.AddSource(Emitter.HintName(network), Emitter.Emit(network));
        });
    }
}

/// <summary>The names of the pipeline's steps, for incremental-caching tests.</summary>
public static class TrackingNames
{
    public const string Networks = nameof(Networks);
}
