namespace NetDsl.Generators.Model;

/// <summary>
/// A type a generated file reopens: its namespace, the types it is nested in, and how its own
/// declaration starts (<c>class</c>, <c>record</c>, <c>struct</c>…, name as in metadata, type parameters).
/// </summary>
internal sealed record TypeShell(string? Namespace, EquatableArray<ContainingTypeModel> ContainingTypes, string Keyword, string Name, string TypeParameters)
{
    /// <summary>
    /// <c>{Namespace}.{Outer}+{Type}.g.cs</c>, type parameters in braces (<c>Net{T}.g.cs</c>), as
    /// <see cref="Emit.Emitter.HintName"/> names a network's file; a type gets one or the other.
    /// </summary>
    public string HintName => ((Namespace is null ? "" : Namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "+"))
        + Name + TypeParameters).Replace('<', '{').Replace('>', '}') + ".g.cs";
}

/// <summary>
/// What NetDsl writes instead of a network's code when the declaration has an error: the members
/// the compiler needs (implementations of the partial layer properties, the public API), each
/// throwing. Without it, the missing partial implementations are declaration errors (CS9248), and
/// the compiler would stop before running the analyzer that reports the NDSL errors.
/// </summary>
/// <param name="Type">The network, or the type holding stray layers.</param>
/// <param name="ErrorIds">The NDSL error ids the declaration has, for the exception message.</param>
/// <param name="Properties">The partial layer properties that have no implementation.</param>
/// <param name="Api">The public API to stand in for; null for stray layers (a type without [Network]).</param>
internal sealed record PlaceholderModel(TypeShell Type, EquatableArray<string> ErrorIds, EquatableArray<PartialPropertyModel> Properties, PlaceholderApi? Api);

/// <summary>
/// A partial property definition to implement, as declared: <c>{Modifiers} {Type} {Name}</c> then
/// the accessors. <paramref name="Name"/> is <c>this[int i]</c> for an indexer; the type is fully
/// qualified; each accessor keeps its own modifiers (<c>private set</c>).
/// </summary>
internal sealed record PartialPropertyModel(string Modifiers, string Type, string Name, EquatableArray<string> Accessors);

/// <summary>The members of a network's public API a placeholder declares: those the type does not already declare or inherit.</summary>
/// <param name="Members">Names from <see cref="Parse.KnownNames.PublicMembers"/>, in that order.</param>
/// <param name="DropoutSeedOverload">Whether <c>LossAndGradient</c> gets its <c>ulong dropoutSeed</c> overload (the network declares a dropout layer).</param>
/// <param name="Constructor">
/// Null when the type already has a constructor taking one <c>int</c>, or none can be written;
/// otherwise the initializer of the <c>(int seed)</c> one: empty, or <c> : base(…)</c> / <c> : this(…)</c>
/// when the base type has no parameterless constructor or the type has a primary one.
/// </param>
/// <param name="Interface">Whether to implement <c>INetworkModel</c> (explicitly), so the network can be given to a <c>Trainer</c>.</param>
internal sealed record PlaceholderApi(EquatableArray<string> Members, bool DropoutSeedOverload, string? Constructor, bool Interface);

/// <summary>
/// A [Dense] or [Dropout] property of a type without [Network] (NDSL010): the diagnostic, and what
/// a placeholder needs to implement it.
/// </summary>
/// <param name="Implementation">Null when the property needs no implementation (not a partial definition, or already implemented) or cannot be mirrored (still being typed).</param>
/// <param name="CanAddCode">Whether a generated file can reopen the type (<see cref="Parse.Parser.CanAddGeneratedCode"/>).</param>
/// <param name="ReportedByGenerator">
/// Whether the compiler rejects the type's layers itself (<see cref="Parse.Parser.CompilerRejectsLayers"/>) and so
/// runs no analyzer: then the generator reports NDSL010. The same for every stray layer of a type.
/// </param>
internal sealed record StrayLayerModel(TypeShell Type, PartialPropertyModel? Implementation, DiagnosticInfo Diagnostic, bool CanAddCode, bool ReportedByGenerator);

/// <summary>One type's stray layers: the placeholder to write (if any) and the diagnostics the generator reports.</summary>
internal sealed record StrayLayersOutput(PlaceholderModel? Placeholder, EquatableArray<DiagnosticInfo> GeneratorDiagnostics);
