using Microsoft.CodeAnalysis;

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
    public static KnownTypes? Resolve(Compilation compilation) =>
        compilation.GetTypeByMetadataName(KnownNames.NetworkAttribute) is { } network
        && compilation.GetTypeByMetadataName(KnownNames.DenseAttribute) is { } dense
        && compilation.GetTypeByMetadataName(KnownNames.DropoutAttribute) is { } dropout
        && compilation.GetTypeByMetadataName(KnownNames.Layer) is { } layer
            ? new Symbols(network, dense, dropout, layer)
            : null;

    public abstract bool IsNetworkAttribute(ITypeSymbol? type);

    public abstract bool IsDenseAttribute(ITypeSymbol? type);

    public abstract bool IsDropoutAttribute(ITypeSymbol? type);

    /// <summary>Exactly <c>NetDsl.Layer</c> (not <c>Layer?</c>, which is <c>Nullable&lt;Layer&gt;</c>).</summary>
    public abstract bool IsLayer(ITypeSymbol? type);

    /// <summary>[Dense] or [Dropout]: an attribute that makes a property a layer.</summary>
    public bool IsLayerAttribute(ITypeSymbol? type) => IsDenseAttribute(type) || IsDropoutAttribute(type);

    private sealed class Names : KnownTypes
    {
        public override bool IsNetworkAttribute(ITypeSymbol? type) => Is(type, "NetworkAttribute");

        public override bool IsDenseAttribute(ITypeSymbol? type) => Is(type, "DenseAttribute");

        public override bool IsDropoutAttribute(ITypeSymbol? type) => Is(type, "DropoutAttribute");

        public override bool IsLayer(ITypeSymbol? type) => Is(type, "Layer");

        // NetDsl.{name}, a top-level type: what KnownNames spells as a metadata name, without building a string.
        private static bool Is(ITypeSymbol? type, string name) =>
            type is INamedTypeSymbol { ContainingType: null, Arity: 0 } named && named.Name == name
            && named.ContainingNamespace is { Name: "NetDsl", ContainingNamespace.IsGlobalNamespace: true };
    }

    private sealed class Symbols(INamedTypeSymbol network, INamedTypeSymbol dense, INamedTypeSymbol dropout, INamedTypeSymbol layer) : KnownTypes
    {
        public override bool IsNetworkAttribute(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, network);

        public override bool IsDenseAttribute(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, dense);

        public override bool IsDropoutAttribute(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, dropout);

        public override bool IsLayer(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, layer);
    }
}
