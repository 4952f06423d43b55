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
/// itself and runs no analyzer: the generator reports NetDsl's diagnostics there. Sources and
/// diagnostics are separate outputs: the sources read only equatable models without locations, so
/// that an edit above a network re-emits nothing.
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

        // The code depends on the model alone, which holds no location: an edit that only moves a
        // network (one with a warning too, whose location changes) writes nothing again.
        var networkSources = networks
            .Select(static (result, _) => result.Source)
            .WithTrackingName(TrackingNames.NetworkSources);
        context.RegisterSourceOutput(networkSources, static (output, source) =>
        {
            if (source.Network is { } network)
                output.AddSource(Emitter.HintName(network), Emitter.Emit(network));
            else if (source.Placeholder is { } placeholder)
                output.AddSource(placeholder.Type.HintName, PlaceholderEmitter.Emit(placeholder));
        });

        // The diagnostics the generator reports itself, where no analyzer runs (Parser.ReportedByGenerator).
        var networkDiagnostics = networks
            .Select(static (result, _) => result.ReportedByGenerator ? result.Diagnostics : EquatableArray<DiagnosticInfo>.Empty)
            .WithTrackingName(TrackingNames.NetworkDiagnostics);
        context.RegisterSourceOutput(networkDiagnostics, static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
        });

        // [Dense] and [Dropout] properties of types without [Network] (NDSL010), grouped by type.
        var layers = KnownNames.LayerAttributes.Select(attribute => StrayLayers(context, attribute.MetadataName)).ToList();
        var strayLayers = layers.Skip(1)
            .Aggregate(layers[0], static (all, next) => all.Combine(next).Select(static (pair, _) => pair.Left.AddRange(pair.Right)))
            .SelectMany(static (strays, _) => GroupByType(strays))
            .WithTrackingName(TrackingNames.StrayLayers);

        var straySources = strayLayers
            .Select(static (stray, _) => stray.Placeholder)
            .WithTrackingName(TrackingNames.StrayLayerSources);
        context.RegisterSourceOutput(straySources, static (output, placeholder) =>
        {
            if (placeholder is not null)
                output.AddSource(placeholder.Type.HintName, PlaceholderEmitter.Emit(placeholder));
        });

        var strayDiagnostics = strayLayers
            .Select(static (stray, _) => stray.GeneratorDiagnostics)
            .WithTrackingName(TrackingNames.StrayLayerDiagnostics);
        context.RegisterSourceOutput(strayDiagnostics, static (output, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
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
                    g.First().CanAddCode && g.Any(s => s.Implementation is not null)
                        ? new PlaceholderModel(g.Key, g.Select(s => s.Diagnostic.Id).Distinct().ToEquatableArray(),
                            g.Select(s => s.Implementation).OfType<PartialPropertyModel>().ToEquatableArray(), Api: null)
                        : null,
                    EquatableArray<DiagnosticInfo>.Empty))];
}

/// <summary>The names of the pipeline's steps, for incremental-caching tests.</summary>
public static class TrackingNames
{
    /// <summary>Each [Network] type parsed: model or placeholder, and diagnostics with their locations.</summary>
    public const string Networks = nameof(Networks);

    /// <summary>What the source output of a network reads: its model or placeholder, no location.</summary>
    public const string NetworkSources = nameof(NetworkSources);

    /// <summary>The diagnostics the generator reports for a network (empty unless no analyzer can).</summary>
    public const string NetworkDiagnostics = nameof(NetworkDiagnostics);

    /// <summary>Layers outside any network, one output per type.</summary>
    public const string StrayLayers = nameof(StrayLayers);

    /// <summary>The placeholder for a type's stray layers, if any.</summary>
    public const string StrayLayerSources = nameof(StrayLayerSources);

    /// <summary>The diagnostics the generator reports for a type's stray layers.</summary>
    public const string StrayLayerDiagnostics = nameof(StrayLayerDiagnostics);
}
