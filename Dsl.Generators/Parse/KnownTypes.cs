using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Parse;

/// <summary>
/// Recognises NetDsl's own types where the parser meets them: the attributes and <c>Layer</c>.
/// <see cref="NetworkAnalyzer"/> resolves them once per compilation (<see cref="Resolve"/>) and
/// compares symbols, as dotnet/runtime's analyzers do. The generator, whose
/// <c>ForAttributeWithMetadataName</c> has already matched <c>[Network]</c> by metadata name,
/// compares names (<see cref="ByName"/>): it has no compilation-wide start to resolve them in, and a
/// lookup per transform would cost more than the comparison.
/// </summary>
internal abstract class KnownTypes
{
    /// <summary>By namespace and name, without resolving anything.</summary>
    public static readonly KnownTypes ByName = new Names();

    /// <summary>The compilation's NetDsl types, or null when it does not reference NetDsl (then there is nothing to analyse).</summary>
    public static KnownTypes? Resolve(Compilation compilation)
    {
        if (compilation.GetTypeByMetadataName(KnownNames.NetworkAttribute) is not { } network
            || compilation.GetTypeByMetadataName(KnownNames.Layer) is not { } layer)
            return null;
        var layerAttributes = new List<(INamedTypeSymbol, LayerKind)>();
        foreach (var (name, kind) in KnownNames.LayerAttributes)
        {
            if (compilation.GetTypeByMetadataName(name) is not { } attribute) return null;
            layerAttributes.Add((attribute, kind));
        }
        return new Symbols(network, layer, layerAttributes);
    }

    public abstract bool IsNetworkAttribute(ITypeSymbol? type);

    /// <summary>The layer kind an attribute declares ([Dense], [Dropout]), or null for any other.</summary>
    public abstract LayerKind? LayerKindOf(ITypeSymbol? attribute);

    /// <summary>Exactly <c>NetDsl.Layer</c> (not <c>Layer?</c>, which is <c>Nullable&lt;Layer&gt;</c>).</summary>
    public abstract bool IsLayer(ITypeSymbol? type);

    /// <summary>An attribute that makes a property a layer.</summary>
    public bool IsLayerAttribute(ITypeSymbol? type) => LayerKindOf(type) is not null;

    private sealed class Names : KnownTypes
    {
        public override bool IsNetworkAttribute(ITypeSymbol? type) => Is(type, KnownNames.NetworkAttribute);

        public override LayerKind? LayerKindOf(ITypeSymbol? attribute)
        {
            foreach (var (name, kind) in KnownNames.LayerAttributes)
                if (Is(attribute, name)) return kind;
            return null;
        }

        public override bool IsLayer(ITypeSymbol? type) => Is(type, KnownNames.Layer);

        // A top-level type of namespace NetDsl, by its metadata name, without building a string.
        private static bool Is(ITypeSymbol? type, string metadataName) =>
            type is INamedTypeSymbol { ContainingType: null, Arity: 0 } named
            && metadataName.Length == Prefix.Length + named.Name.Length
            && metadataName.EndsWith(named.Name, StringComparison.Ordinal)
            && named.ContainingNamespace is { Name: "NetDsl", ContainingNamespace.IsGlobalNamespace: true };

        private const string Prefix = "NetDsl.";
    }

    private sealed class Symbols(INamedTypeSymbol network, INamedTypeSymbol layer, List<(INamedTypeSymbol Attribute, LayerKind Kind)> layerAttributes) : KnownTypes
    {
        public override bool IsNetworkAttribute(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, network);

        public override LayerKind? LayerKindOf(ITypeSymbol? attribute)
        {
            foreach (var (symbol, kind) in layerAttributes)
                if (SymbolEqualityComparer.Default.Equals(attribute, symbol)) return kind;
            return null;
        }

        public override bool IsLayer(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, layer);
    }
}
