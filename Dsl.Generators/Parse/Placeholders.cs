using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generators.Model;
using static NetDsl.Generators.Emit.Formatting;

namespace NetDsl.Generators.Parse;

/// <summary>
/// Reads what a placeholder must declare (see <see cref="PlaceholderModel"/>): the partial layer
/// properties to implement, as declared, and the public API members the type does not already have.
/// </summary>
internal static class Placeholders
{
    /// <summary>Types fully qualified, with their nullable annotation, as the implementation must repeat them.</summary>
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The placeholder of a network with an error; <paramref name="errorIds"/> are its NDSL error ids.</summary>
    public static PlaceholderModel ForNetwork(INamedTypeSymbol type, TypeShell shell, EquatableArray<string> errorIds, KnownTypes types, CancellationToken cancellationToken)
    {
        var properties = new List<PartialPropertyModel>();
        bool dropout = false;
        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layerAttributes = property.GetAttributes().Where(a => types.IsLayerAttribute(a.AttributeClass)).ToList();
            if (layerAttributes.Count == 0) continue;
            dropout |= layerAttributes.Any(a => types.LayerKindOf(a.AttributeClass) is { } kind && Emit.Layers.LayerEmitters.For(kind).DrawsMasks);
            if (Implementation(property, cancellationToken) is { } implementation) properties.Add(implementation);
        }

        // Every name the type declares or inherits: declaring a public member with one of them would
        // clash (NDSL012 says so on the user's member) or hide the inherited one (a warning).
        var taken = new HashSet<string>(type.TypeParameters.Select(t => t.Name), StringComparer.Ordinal);
        foreach (var member in type.GetMembers())
            if (!Parser.IsGeneratedByNetDsl(member)) taken.Add(member.Name);
        for (var baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
            foreach (var member in baseType.GetMembers())
                if (member.DeclaredAccessibility != Accessibility.Private) taken.Add(member.Name);

        var api = new PlaceholderApi(
            KnownNames.PublicMembers.Where(m => !taken.Contains(m)).ToEquatableArray(),
            dropout,
            Constructor(type, cancellationToken),
            Interface: !type.GetMembers().Any(ImplementsNetworkModelExplicitly));
        return new PlaceholderModel(shell, errorIds, properties.ToEquatableArray(), api);
    }

    /// <summary>
    /// The implementation a partial property definition is missing, mirroring its declaration; null
    /// when it is not a partial definition, already has an implementation (not one of NetDsl's), or
    /// is still being typed.
    /// </summary>
    public static PartialPropertyModel? Implementation(IPropertySymbol property, CancellationToken cancellationToken)
    {
        if (!property.IsPartialDefinition) return null;
        if (property.PartialImplementationPart is { } implementation && !Parser.IsGeneratedByNetDsl(implementation)) return null;
        var syntax = property.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<BasePropertyDeclarationSyntax>().FirstOrDefault();
        if (syntax?.AccessorList is null || syntax.ContainsDiagnostics
            || property.Type.TypeKind == TypeKind.Error || property.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error))
            return null;

        string type = property.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.RefReadOnly => "ref readonly ",
            _ => "",
        } + property.Type.ToDisplayString(TypeFormat);
        string name = Identifier(property.Name);
        if (syntax is IndexerDeclarationSyntax indexer)
        {
            // Modifiers (params, in, scoped…) and names as declared; no default values, which an
            // implementation part may not repeat without a warning (CS1066).
            var parameters = property.Parameters.Select((p, i) => string.Join(" ",
                indexer.ParameterList.Parameters[i].Modifiers.Select(m => m.Text)
                    .Append(p.Type.ToDisplayString(TypeFormat)).Append(Identifier(p.Name))));
            name = "this[" + string.Join(", ", parameters) + "]";
        }
        var accessors = syntax.AccessorList.Accessors
            .Select(a => string.Join(" ", a.Modifiers.Select(m => m.Text).Append(a.Keyword.Text)))
            .ToEquatableArray();
        return new PartialPropertyModel(string.Join(" ", syntax.Modifiers.Select(m => m.Text)), type, name, accessors);
    }

    /// <summary>
    /// The initializer of the placeholder's <c>(int seed)</c> constructor (<see cref="PlaceholderApi.Constructor"/>):
    /// the real one calls the base type's parameterless constructor; when there is none (NDSL016) or
    /// the type has a primary constructor, the placeholder passes defaults to another, so that the
    /// constructor users call exists.
    /// </summary>
    private static string? Constructor(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        // The user's own (int) constructor (NDSL012), or a primary one taking an int: nothing to add.
        if (type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && !Parser.IsGeneratedByNetDsl(c)
                && c.Parameters.Length == 1 && c.Parameters[0].Type.SpecialType == SpecialType.System_Int32))
            return null;
        var primary = Parser.PrimaryConstructor(type, cancellationToken);
        if (primary is not null) return Chain("this", primary);
        if (type.BaseType is not { SpecialType: not SpecialType.System_Object } parent
            || parent.InstanceConstructors.Any(c => IsAccessible(c, type) && c.Parameters.All(p => p.IsOptional || p.IsParams)))
            return "";
        var callable = parent.InstanceConstructors.Where(c => IsAccessible(c, type)).OrderBy(c => c.Parameters.Length).FirstOrDefault(CanPassDefaults);
        return callable is null ? null : Chain("base", callable);
    }

    private static string? Chain(string keyword, IMethodSymbol constructor) => CanPassDefaults(constructor)
        ? $" : {keyword}(" + string.Join(", ", constructor.Parameters.Select(p => $"default({p.Type.ToDisplayString(TypeFormat)})!")) + ")"
        : null;

    // default(T)! fits a value or 'in' parameter of any type but a pointer (which needs an unsafe context).
    private static bool CanPassDefaults(IMethodSymbol constructor) => constructor.Parameters.All(p =>
        p.RefKind is RefKind.None or RefKind.In && p.Type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Error));

    private static bool IsAccessible(IMethodSymbol constructor, INamedTypeSymbol from) => constructor.DeclaredAccessibility switch
    {
        Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal => true,
        Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(constructor.ContainingAssembly, from.ContainingAssembly),
        _ => false,
    };

    // The placeholder implements INetworkModel explicitly; a user's explicit implementation of one
    // of its members would be a duplicate.
    private static bool ImplementsNetworkModelExplicitly(ISymbol member) =>
        !Parser.IsGeneratedByNetDsl(member) && member switch
        {
            IPropertySymbol p => p.ExplicitInterfaceImplementations.Any(i => i.ContainingType.ToDisplayString() == KnownNames.NetworkModelInterface),
            IMethodSymbol m => m.ExplicitInterfaceImplementations.Any(i => i.ContainingType.ToDisplayString() == KnownNames.NetworkModelInterface),
            _ => false,
        };
}
