namespace NetDsl.Generators.Model;

/// <summary>Everything the emitter needs about one network: plain values only, so it caches.</summary>
/// <param name="CallsPrimaryConstructor">The class has a primary constructor taking no arguments, which the generated <c>(int seed)</c> one must call (<c>: this()</c>).</param>
internal sealed record NetworkModel(
    string? Namespace,
    string TypeName,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    int Inputs,
    LossKind Loss,
    EquatableArray<LayerModel> Layers,
    bool CallsPrimaryConstructor = false)
{
    /// <summary>
    /// Namespace-qualified name with nested types joined by '+', as reflection writes it
    /// (<c>N.Outer+Net</c>, never the same as a type <c>Net</c> in namespace <c>N.Outer</c>); the
    /// generated file's hint name.
    /// </summary>
    public string FullName => (Namespace is null ? "" : Namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "+"))
        + TypeName;
}

/// <summary>A type the network is nested in: its keyword (class, struct, record…) and name with type parameters.</summary>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>One layer member, in declaration order.</summary>
internal sealed record LayerModel(
    string Name,
    string Accessibility,
    LayerKind Kind,
    int Units,
    ActivationKind Activation,
    InitializerKind Initializer,
    float DropoutRate);

/// <summary>
/// A parse result: the model when the declaration is sound, the placeholder to write in its place
/// when it has an error, and the diagnostics either way.
/// </summary>
/// <param name="ReportedByGenerator">
/// Whether the generator reports <paramref name="Diagnostics"/> rather than <see cref="NetworkAnalyzer"/>:
/// true when the compiler itself rejects the declaration (<see cref="Parse.Parser.ReportedByGenerator"/>),
/// since then it stops before running any analyzer.
/// </param>
internal sealed record ParseResult(NetworkModel? Network, PlaceholderModel? Placeholder, EquatableArray<DiagnosticInfo> Diagnostics, bool ReportedByGenerator)
{
    /// <summary>What the generated file depends on: the model or the placeholder, neither holding a location.</summary>
    public SourceModel Source => new(Network, Placeholder);
}

/// <summary>The input of a network's source output: its model when sound, else its placeholder (or neither).</summary>
internal sealed record SourceModel(NetworkModel? Network, PlaceholderModel? Placeholder);
