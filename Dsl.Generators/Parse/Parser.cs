using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Catalog;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Emit.Layers;
using NetDsl.Generators.Model;

namespace NetDsl.Generators.Parse;

/// <summary>
/// Symbols in, a plain model out. Problems become diagnostics (as data); a network with any error
/// gets no model, so none of its code is generated, but a placeholder in its place (see
/// <see cref="PlaceholderModel"/>). Half-typed declarations (syntax or binding errors the compiler
/// already reports) give neither model nor diagnostics.
/// </summary>
internal static class Parser
{
    private static readonly ParseResult Nothing = new(null, null, EquatableArray<DiagnosticInfo>.Empty, ReportedByGenerator: false);

    /// <summary>The generator's entry: the [Network] type the pipeline found.</summary>
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        Parse(context.TargetSymbol, context.TargetNode, context.Attributes.FirstOrDefault(), KnownTypes.ByName, cancellationToken);

    /// <summary>A [Network] type, from the declaration that carries <paramref name="attribute"/>.</summary>
    public static ParseResult Parse(ISymbol symbol, SyntaxNode node, AttributeData? attribute, KnownTypes types, CancellationToken cancellationToken)
    {
        if (symbol is not INamedTypeSymbol type || node is not TypeDeclarationSyntax declaration
            || declaration.Identifier.IsMissing // 'partial class' still being typed: no name to generate for
            || declaration.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Name.ContainsDiagnostics))
            return Nothing;
        if (attribute is null || IsIncomplete(attribute)) return Nothing;
        // [Network] on two partial declarations: the compiler reports CS0579, and generating once per
        // declaration would add the same hint name twice.
        if (type.GetAttributes().Count(a => types.IsNetworkAttribute(a.AttributeClass)) > 1) return Nothing;

        var diagnostics = new List<DiagnosticInfo>();
        var typeLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        string name = type.Name;

        // The type itself.
        string? unsupported = type.IsRecord ? "a record"
            : type.TypeKind == TypeKind.Struct ? "a struct"
            : type.IsStatic ? "static"
            : type.Arity > 0 ? "generic"
            : type.IsFileLocal ? "file-local"
            : FileLocalContainer(type, cancellationToken) is { } fileLocal ? $"nested in file-local {fileLocal.Keyword} '{fileLocal.Name}'"
            : null;
        if (unsupported is not null)
            diagnostics.Add(Report(DiagnosticDescriptors.UnsupportedNetworkType, typeLocation, name, unsupported));
        if (!IsPartial(declaration))
            diagnostics.Add(Report(DiagnosticDescriptors.NotPartial, typeLocation, name, name));
        if (ContainingTypes(type, cancellationToken) is not { } containing) return Nothing;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            if (Declaration(outer, cancellationToken) is { } outerSyntax && !IsPartial(outerSyntax))
                diagnostics.Add(Report(DiagnosticDescriptors.NotPartial, LocationInfo.From(outerSyntax.Identifier.GetLocation()), outer.Name, name));

        // [Network(Inputs = n, Loss = …)]
        int inputs = 0;
        var loss = LossKind.MeanSquaredError;
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == "Inputs" && argument.Value.Value is int i) inputs = i;
            if (argument.Key == "Loss" && argument.Value.Value is int l)
            {
                if (!Enum.IsDefined(typeof(LossKind), l))
                    diagnostics.Add(Report(DiagnosticDescriptors.UndefinedEnumValue, typeLocation,
                        l.ToString(CultureInfo.InvariantCulture), name, "Loss", string.Join(", ", Enum.GetNames(typeof(LossKind)))));
                loss = (LossKind)l;
            }
        }
        if (inputs <= 0)
            diagnostics.Add(Report(DiagnosticDescriptors.InputsNotPositive, typeLocation, name, inputs.ToString(CultureInfo.InvariantCulture)));

        // The layers, in declaration order.
        var layerMembers = new List<(IPropertySymbol Property, PropertyDeclarationSyntax Syntax, AttributeData Attribute)>();
        bool rejectedLayers = false;
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layerAttributes = member.GetAttributes().Where(a => types.IsLayerAttribute(a.AttributeClass)).ToList();
            if (layerAttributes.Count == 0) continue;
            if (member is not IPropertySymbol property) continue; // the compiler rejects the attribute elsewhere (CS0592)
            if (property.IsIndexer)
            {
                // Reported at 'this', by its metadata name, so the advice names a property to declare instead.
                diagnostics.Add(Report(DiagnosticDescriptors.InvalidLayerMember, LocationInfo.From(property.Locations.FirstOrDefault()), property.MetadataName, "is an indexer", "declare a property instead, e.g. 'public partial Layer Output { get; }'"));
                rejectedLayers = true;
                continue;
            }
            var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
            if (syntax is null || syntax.ContainsDiagnostics || layerAttributes.Any(IsIncomplete) || property.Type.TypeKind == TypeKind.Error)
                return Nothing;
            var location = LocationInfo.From(syntax.Identifier.GetLocation());
            string? problem = MemberProblem(property, syntax, layerAttributes.Count, types);
            if (problem is not null)
            {
                string advice = problem == AlreadyImplemented ? "remove your implementation: NetDsl writes it"
                    : $"declare it as 'public partial Layer {property.Name} {{ get; }}'";
                diagnostics.Add(Report(DiagnosticDescriptors.InvalidLayerMember, location, property.Name, problem, advice));
                rejectedLayers = true;
                continue;
            }
            layerMembers.Add((property, syntax, layerAttributes[0]));
        }
        layerMembers.Sort((a, b) =>
        {
            int byFile = string.CompareOrdinal(a.Syntax.SyntaxTree.FilePath, b.Syntax.SyntaxTree.FilePath);
            return byFile != 0 ? byFile : a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart);
        });

        var layers = new List<LayerModel>();
        foreach (var (property, syntax, layerAttribute) in layerMembers)
        {
            var location = LocationInfo.From(syntax.Identifier.GetLocation());
            if (syntax.Parent != layerMembers[0].Syntax.Parent)
                diagnostics.Add(Report(DiagnosticDescriptors.LayersSplitAcrossDeclarations, location, property.Name, name, layerMembers[0].Property.Name));
            layers.Add(ParseLayer(property, syntax, layerAttribute, location, types, diagnostics));
        }

        // With a layer member rejected, the layer list is not the network the user meant: checking
        // it would report a missing output layer, or the wrong layer as the output.
        if (!rejectedLayers)
            CheckArchitecture(name, typeLocation, inputs, loss, layers, layerMembers.Select(m => LocationInfo.From(m.Syntax.Identifier.GetLocation())).ToList(), diagnostics);
        CheckClashes(type, name, typeLocation, layers, diagnostics, cancellationToken);
        var primary = PrimaryConstructor(type, cancellationToken);
        CheckConstructors(type, primary, name, typeLocation, diagnostics);

        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        var errors = diagnostics.Where(IsError).Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToEquatableArray();
        if (errors.Count == 0)
            return new ParseResult(new NetworkModel(ns, name, containing, inputs, loss, layers.ToEquatableArray(), CallsPrimaryConstructor: primary is not null),
                null, diagnostics.ToEquatableArray(), ReportedByGenerator: false);
        var placeholder = CanAddGeneratedCode(type, declaration, cancellationToken)
            ? Placeholders.ForNetwork(type, new TypeShell(ns, containing, Keyword(declaration), name, TypeParameters(type)), errors, types, cancellationToken)
            : null;
        return new ParseResult(null, placeholder, diagnostics.ToEquatableArray(), ReportedByGenerator(type, declaration, types, cancellationToken));
    }

    /// <summary>
    /// Whether a generated file can add members to <paramref name="type"/>, as declared by
    /// <paramref name="declaration"/>: the declaration and those of the types containing it are
    /// partial, and the type is neither static (a network's members are instance members) nor
    /// file-local, nor nested in a file-local type (a generated file is another file). When it cannot, the compiler reports its own
    /// declaration error (CS0751, CS0260, CS0708, CS9248…).
    /// </summary>
    public static bool CanAddGeneratedCode(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        if (type.IsStatic || type.IsFileLocal || !IsPartial(declaration)) return false;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            if (outer.IsFileLocal || Declaration(outer, cancellationToken) is not { } outerSyntax || !IsPartial(outerSyntax)) return false;
        return true;
    }

    /// <summary>
    /// Who reports a network's diagnostics. The compiler runs analyzers only when the compilation
    /// (generated code included) has no declaration error. A network NetDsl can add code to gets a
    /// placeholder when it has an error, so it has none, and <see cref="NetworkAnalyzer"/> reports,
    /// in the user's syntax tree. So it does where NetDsl cannot add code but the compiler has
    /// nothing to say either (a class that is not partial, and neither are its layers). Where the
    /// compiler rejects the declaration itself, whatever NetDsl writes (<see cref="CompilerRejectsLayers"/>,
    /// or <c>[Network]</c> on a struct: CS0592), it runs no analyzer: then the generator reports, or nobody would.
    /// </summary>
    public static bool ReportedByGenerator(INamedTypeSymbol type, TypeDeclarationSyntax declaration, KnownTypes types, CancellationToken cancellationToken) =>
        type.TypeKind == TypeKind.Struct || CompilerRejectsLayers(type, declaration, types, cancellationToken);

    /// <summary>
    /// Whether the compiler reports a declaration error on <paramref name="type"/>'s layers that no
    /// generated code can prevent, because none can join the type (<see cref="CanAddGeneratedCode"/>):
    /// a layer declared partial, whose implementation NetDsl cannot write (CS9248) or which sits in a
    /// type not declared partial (CS0751), or an instance layer in a static class (CS0708).
    /// </summary>
    public static bool CompilerRejectsLayers(INamedTypeSymbol type, TypeDeclarationSyntax declaration, KnownTypes types, CancellationToken cancellationToken)
    {
        if (CanAddGeneratedCode(type, declaration, cancellationToken)) return false;
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!property.GetAttributes().Any(a => types.IsLayerAttribute(a.AttributeClass))) continue;
            if (property.IsPartialDefinition && (property.PartialImplementationPart is null || !IsPartial(declaration))) return true;
            if (type.IsStatic && !property.IsStatic) return true;
        }
        return false;
    }

    /// <summary>The generator's entry for a [Dense] or [Dropout] property: a stray layer, or null.</summary>
    public static StrayLayerModel? StrayLayer(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        context.TargetSymbol is IPropertySymbol property ? StrayLayer(property, KnownTypes.ByName, cancellationToken) : null;

    /// <summary>A [Dense]/[Dropout] on a property outside any [Network] type (NDSL010), or null.</summary>
    public static StrayLayerModel? StrayLayer(IPropertySymbol property, KnownTypes types, CancellationToken cancellationToken)
    {
        if (property.ContainingType is not { } type) return null;
        if (type.GetAttributes().Any(a => types.IsNetworkAttribute(a.AttributeClass))) return null;
        var attribute = property.GetAttributes().FirstOrDefault(a => types.IsLayerAttribute(a.AttributeClass));
        if (attribute?.AttributeClass is null) return null;
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<BasePropertyDeclarationSyntax>().FirstOrDefault();
        var location = syntax is PropertyDeclarationSyntax p ? p.Identifier.GetLocation() : property.Locations.FirstOrDefault();
        var diagnostic = Report(DiagnosticDescriptors.LayerOutsideNetwork, LocationInfo.From(location),
            property.Name, attribute.AttributeClass.Name.Replace("Attribute", ""), type.Name);
        if (syntax?.Parent is not TypeDeclarationSyntax declaration || declaration.Identifier.IsMissing
            || ContainingTypes(type, cancellationToken) is not { } containing)
            return null;
        var shell = new TypeShell(type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            containing, Keyword(declaration), type.Name, TypeParameters(type));
        return new StrayLayerModel(shell, Placeholders.Implementation(property, cancellationToken), diagnostic,
            CanAddGeneratedCode(type, declaration, cancellationToken), CompilerRejectsLayers(type, declaration, types, cancellationToken));
    }

    private static LayerModel ParseLayer(IPropertySymbol property, PropertyDeclarationSyntax syntax, AttributeData attribute, LocationInfo? location, KnownTypes types, List<DiagnosticInfo> diagnostics)
    {
        // The implementation must repeat the declaration's accessibility modifiers exactly.
        string accessibility = string.Join(" ", syntax.Modifiers.Where(m => m.Kind() is SyntaxKind.PublicKeyword
            or SyntaxKind.InternalKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.PrivateKeyword).Select(m => m.Text));
        return types.LayerKindOf(attribute.AttributeClass) switch
        {
            LayerKind.Dense => ParseDense(property.Name, accessibility, attribute, location, diagnostics),
            LayerKind.Dropout => ParseDropout(property.Name, accessibility, attribute, location, diagnostics),
            var kind => throw new InvalidOperationException($"Unknown layer kind {kind}"),
        };
    }

    private static LayerModel ParseDropout(string name, string accessibility, AttributeData attribute, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        // The attribute takes a double (Keras's [Dropout(0.2)]); the generated code works in float.
        float rate = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is double r ? (float)r : float.NaN;
        if (!(rate >= 0f && rate < 1f))
            diagnostics.Add(Report(DiagnosticDescriptors.DropoutRateOutOfRange, location, name, rate.ToString("R", CultureInfo.InvariantCulture)));
        return new LayerModel(name, accessibility, LayerKind.Dropout, 0, ActivationKind.Identity, InitializerKind.GlorotUniform, rate);
    }

    private static LayerModel ParseDense(string name, string accessibility, AttributeData attribute, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var args = attribute.ConstructorArguments;
        int units = args.Length > 0 && args[0].Value is int u ? u : 0;
        int activation = args.Length > 1 && args[1].Value is int a ? a : 0;
        int initializer = 0;
        foreach (var named in attribute.NamedArguments)
            if (named.Key == "Initializer" && named.Value.Value is int i) initializer = i;
        if (units <= 0)
            diagnostics.Add(Report(DiagnosticDescriptors.UnitsNotPositive, location, name, units.ToString(CultureInfo.InvariantCulture)));
        CheckDefined<ActivationKind>(activation, "Activation", name, location, diagnostics);
        CheckDefined<InitializerKind>(initializer, "Initializer", name, location, diagnostics);
        return new LayerModel(name, accessibility, LayerKind.Dense, units, (ActivationKind)activation, (InitializerKind)initializer, 0f);
    }

    private static void CheckArchitecture(string network, LocationInfo? networkLocation, int inputs, LossKind loss,
        List<LayerModel> layers, List<LocationInfo?> locations, List<DiagnosticInfo> diagnostics)
    {
        if (!layers.Any(l => l.Kind == LayerKind.Dense))
        {
            diagnostics.Add(Report(DiagnosticDescriptors.NoLayers, networkLocation, network));
            return;
        }
        var last = layers[layers.Count - 1];
        var lastLocation = locations[layers.Count - 1];
        if (last.Kind == LayerKind.Dropout)
        {
            diagnostics.Add(Report(DiagnosticDescriptors.DropoutLast, lastLocation, last.Name));
            return;
        }

        long parameters = 0;
        int width = inputs;
        foreach (var layer in layers)
        {
            var kind = LayerEmitters.For(layer.Kind);
            parameters += kind.ParameterCount(layer, width);
            width = kind.Outputs(layer, width);
        }
        if (parameters > int.MaxValue)
            diagnostics.Add(Report(DiagnosticDescriptors.ParameterCountOverflow, networkLocation, network, parameters.ToString(CultureInfo.InvariantCulture)));

        // An undefined activation or loss is already reported (NDSL006); it fits nothing.
        if (!Enum.IsDefined(typeof(ActivationKind), last.Activation) || !Enum.IsDefined(typeof(LossKind), loss)) return;
        var definition = LossDefinitions.Of(loss);
        if (definition.FusedActivation is { } needed && (last.Activation != needed || last.Units < definition.MinimumUnits))
        {
            string has = LossDefinition.Article(last.Activation.ToString()) + " output"
                + (last.Activation == needed ? $" with {last.Units} unit{(last.Units == 1 ? "" : "s")}" : "");
            diagnostics.Add(Report(DiagnosticDescriptors.OutputDoesNotFitLoss, lastLocation,
                char.ToUpperInvariant(definition.Name[0]) + definition.Name.Substring(1), definition.Requirement, last.Name, has));
        }
        if (loss == LossKind.MeanSquaredError && last.Activation == ActivationKind.Softmax)
            diagnostics.Add(Report(DiagnosticDescriptors.SoftmaxWithMeanSquaredError, lastLocation, last.Name));
    }

    private static void CheckClashes(INamedTypeSymbol type, string network, LocationInfo? networkLocation, List<LayerModel> layers, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var reserved = KnownNames.Reserved(layers.Select(l => l.Name).ToList());
        string What(string name) => name.StartsWith("Forward", StringComparison.Ordinal) || name.StartsWith("Backward", StringComparison.Ordinal)
            ? "a layer method" : "a member";
        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared || IsGeneratedByNetDsl(member)) continue;
            var location = LocationInfo.From(member.Locations.FirstOrDefault());
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false, Parameters.Length: 1 } constructor
                && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32)
                diagnostics.Add(Report(DiagnosticDescriptors.MemberClash, location, $"{type.Name}(int)", network, "the seeded constructor", "remove it or give it other parameters"));
            else if (reserved.Contains(member.Name))
                diagnostics.Add(Report(DiagnosticDescriptors.MemberClash, location, member.Name, network, What(member.Name), "rename it"));
        }

        // What the generated members would hide from a base type (warnings, or errors, in code the user did not write).
        for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            foreach (var member in baseType.GetMembers())
                if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.Private && reserved.Contains(member.Name)
                    && member is not IMethodSymbol { MethodKind: MethodKind.Constructor })
                    diagnostics.Add(Report(DiagnosticDescriptors.MemberClash, networkLocation, $"{baseType.Name}.{member.Name}", network,
                        What(member.Name), $"it is inherited from '{baseType.Name}': derive '{network}' from another type, or rename it there"));
    }

    /// <summary>
    /// What the generated <c>(int seed)</c> constructor calls: the primary constructor, which it
    /// can call only without arguments (<c>: this()</c>; with parameters it has none to pass:
    /// NDSL017), or else the base type's parameterless constructor (NDSL016 when there is none).
    /// </summary>
    private static void CheckConstructors(INamedTypeSymbol type, IMethodSymbol? primary, string network, LocationInfo? networkLocation, List<DiagnosticInfo> diagnostics)
    {
        if (primary is not null)
        {
            // A record is NDSL013 already; one int is the seeded constructor's signature (NDSL012).
            if (!type.IsRecord && !primary.Parameters.All(p => p.IsOptional || p.IsParams)
                && !(primary.Parameters.Length == 1 && primary.Parameters[0].Type.SpecialType == SpecialType.System_Int32))
                diagnostics.Add(Report(DiagnosticDescriptors.PrimaryConstructorWithParameters, networkLocation, network,
                    string.Join(", ", primary.Parameters.Select(p => p.Type.ToDisplayString() + " " + p.Name))));
            return;
        }
        if (type.BaseType is { SpecialType: not SpecialType.System_Object } parent
            && !parent.InstanceConstructors.Any(c => c.DeclaredAccessibility != Accessibility.Private && c.Parameters.All(p => p.IsOptional || p.IsParams)))
            diagnostics.Add(Report(DiagnosticDescriptors.NoParameterlessBaseConstructor, networkLocation, network, parent.Name));
    }

    /// <summary>The type's primary constructor (<c>class Net(string name)</c>), or null.</summary>
    internal static IMethodSymbol? PrimaryConstructor(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.InstanceConstructors.FirstOrDefault(c => !c.IsImplicitlyDeclared
            && c.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax));

    /// <summary>The innermost file-local type <paramref name="type"/> is nested in: a generated file cannot reopen it.</summary>
    private static (string Keyword, string Name)? FileLocalContainer(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            if (outer.IsFileLocal)
                return (Declaration(outer, cancellationToken) is { } syntax ? Keyword(syntax) : "class", outer.Name);
        return null;
    }

    /// <summary>
    /// Declared only in a file this generator wrote. The analyzer sees the compilation with the
    /// generated code added, where those members are ours, not clashes.
    /// </summary>
    internal static bool IsGeneratedByNetDsl(ISymbol member) =>
        member.DeclaringSyntaxReferences.Length > 0
        && member.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.Replace('\\', '/').Contains(GeneratedFolder));

    private static readonly string GeneratedFolder = "/" + typeof(NetworkGenerator).FullName + "/";

    private const string AlreadyImplemented = "already has an implementation";

    private static string? MemberProblem(IPropertySymbol property, PropertyDeclarationSyntax syntax, int layerAttributes, KnownTypes types)
    {
        if (layerAttributes > 1) return "has both [Dense] and [Dropout]; a member is one layer";
        if (property.IsStatic) return "is static";
        if (!types.IsLayer(property.Type)) return $"has type '{property.Type.ToDisplayString()}'";
        if (property.RefKind != RefKind.None) return "returns by reference";
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword)) return "is not partial";
        if (property.PartialImplementationPart is { } implementation && !IsGeneratedByNetDsl(implementation) || property.IsPartialDefinition == false)
            return AlreadyImplemented;
        if (property.SetMethod is not null || property.GetMethod is null) return "must have a getter only";
        if (property.IsAbstract || property.IsVirtual || property.IsOverride || property.IsSealed || property.IsExtern
            || syntax.Modifiers.Any(SyntaxKind.NewKeyword) || syntax.Modifiers.Any(SyntaxKind.RequiredKeyword))
            return "has modifiers a layer cannot have (" + syntax.Modifiers.ToString() + ")";
        return null;
    }

    private static void CheckDefined<TEnum>(int value, string enumName, string member, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (!Enum.IsDefined(typeof(TEnum), value))
            diagnostics.Add(Report(DiagnosticDescriptors.UndefinedEnumValue, location,
                value.ToString(CultureInfo.InvariantCulture), member, enumName, string.Join(", ", Enum.GetNames(typeof(TEnum)))));
    }

    // An attribute the compiler could not bind (still being typed): leave it to the compiler's errors.
    private static bool IsIncomplete(AttributeData attribute) =>
        attribute.AttributeClass is null or { TypeKind: TypeKind.Error }
        || attribute.AttributeConstructor is null
        || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
        || attribute.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);

    private static bool IsError(DiagnosticInfo diagnostic) => DiagnosticDescriptors.ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;

    private static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>The first declaration of a type (the one a diagnostic about the type points to).</summary>
    private static TypeDeclarationSyntax? Declaration(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();

    /// <summary>The types <paramref name="type"/> is nested in, outermost first; null while one is still being typed.</summary>
    private static EquatableArray<ContainingTypeModel>? ContainingTypes(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var containing = new List<ContainingTypeModel>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (Declaration(outer, cancellationToken) is not { } outerSyntax || outerSyntax.Identifier.IsMissing) return null;
            containing.Insert(0, new ContainingTypeModel(Keyword(outerSyntax), Emit.Formatting.Identifier(outer.Name) + TypeParameters(outer)));
        }
        return containing.ToEquatableArray();
    }

    private static string Keyword(TypeDeclarationSyntax syntax) => syntax switch
    {
        RecordDeclarationSyntax r when r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };

    private static string TypeParameters(INamedTypeSymbol type) =>
        type.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", type.TypeParameters.Select(t => Emit.Formatting.Identifier(t.Name))) + ">";

    private static DiagnosticInfo Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());
}
