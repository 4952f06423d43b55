using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Emit;
using NetDsl.Generators.Model;
using NetDsl.Generators.Parse;

namespace NetDsl.Generators;

/// <summary>
/// Writes each [Network] class's forward pass, backpropagation and training API as readable C#.
/// The pipeline: find the networks, parse each into a plain model, emit the sound ones, and a
/// placeholder for each of the others (<see cref="PlaceholderModel"/>), whose problems
/// <see cref="NetworkAnalyzer"/> reports. A second pipeline writes placeholders for layers declared
/// outside any network. Where no placeholder can be written, the compiler rejects the declaration
/// itself and runs no analyzer: the generator reports NetDsl's diagnostics there.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.NetworkAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: Parser.Parse)
            .WithTrackingName(TrackingNames.Networks);

        context.RegisterSourceOutput(networks, static (output, result) =>
        {
            if (result.Network is { } network)
                output.AddSource(Emitter.HintName(network), Emitter.Emit(network));
            else if (result.Placeholder is { } placeholder)
                output.AddSource(placeholder.Type.HintName, PlaceholderEmitter.Emit(placeholder));
            if (result.ReportedByGenerator)
                foreach (var diagnostic in result.Diagnostics)
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        // [Dense] and [Dropout] properties of types without [Network] (NDSL010), grouped by type.
        var dense = StrayLayers(context, KnownNames.DenseAttribute);
        var dropout = StrayLayers(context, KnownNames.DropoutAttribute);
        var strayLayers = dense.Combine(dropout)
            .SelectMany(static (pair, _) => GroupByType(pair.Left.AddRange(pair.Right)))
            .WithTrackingName(TrackingNames.StrayLayers);

        context.RegisterSourceOutput(strayLayers, static (output, stray) =>
        {
            if (stray.Placeholder is { } placeholder)
                output.AddSource(placeholder.Type.HintName, PlaceholderEmitter.Emit(placeholder));
            foreach (var diagnostic in stray.GeneratorDiagnostics)
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
    }

    private static IncrementalValueProvider<ImmutableArray<StrayLayerModel>> StrayLayers(IncrementalGeneratorInitializationContext context, string attribute) =>
        context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attribute,
                predicate: static (node, _) => node is PropertyDeclarationSyntax or IndexerDeclarationSyntax,
                transform: Parser.StrayLayer)
            .Where(static stray => stray is not null)
            .Collect()!;

    /// <summary>One output per type: its placeholder (when code can join it), or the diagnostics the generator reports.</summary>
    private static ImmutableArray<StrayLayersOutput> GroupByType(ImmutableArray<StrayLayerModel> strays) =>
        [.. strays
            .Distinct() // a property with both [Dense] and [Dropout] comes through both pipelines
            .GroupBy(s => s.Type)
            .OrderBy(g => g.Key.HintName, System.StringComparer.Ordinal)
            .Select(g => g.First().ReportedByGenerator
                ? new StrayLayersOutput(null, g.Select(s => s.Diagnostic).ToEquatableArray())
                : new StrayLayersOutput(
                    g.Any(s => s.Implementation is not null)
                        ? new PlaceholderModel(g.Key, g.Select(s => s.Diagnostic.Id).Distinct().ToEquatableArray(),
                            g.Select(s => s.Implementation).OfType<PartialPropertyModel>().ToEquatableArray(), Api: null)
                        : null,
                    EquatableArray<DiagnosticInfo>.Empty))];
}

/// <summary>The names of the pipeline's steps, for incremental-caching tests.</summary>
public static class TrackingNames
{
    public const string Networks = nameof(Networks);
    public const string StrayLayers = nameof(StrayLayers);
}
