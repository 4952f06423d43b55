using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetDsl.Generators.Diagnostics;
using NetDsl.Generators.Parse;

namespace NetDsl.Generators;

/// <summary>
/// Reports the NDSL diagnostics. The generator runs the same <see cref="Parser"/> and writes a
/// placeholder for a network with an error, so the compiler gets as far as running analyzers;
/// reporting from an analyzer puts each diagnostic in the user's syntax tree, where
/// <c>#pragma warning disable</c>, editorconfig and the IDE reach it. The exception: declarations
/// the compiler itself rejects (<see cref="Parser.ReportedByGenerator"/>), whose diagnostics the
/// generator reports, since no analyzer runs then; reporting them here as well would show them twice.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.All);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        // NetDsl's types are resolved once per compilation and compared as symbols; a compilation
        // that does not reference NetDsl gets no action at all.
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownTypes.Resolve(start.Compilation) is not { } types) return;
            start.RegisterSymbolAction(symbol => AnalyzeNetwork(symbol, types), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeStrayLayer(symbol, types), SymbolKind.Property);
        });
    }

    private static void AnalyzeNetwork(SymbolAnalysisContext context, KnownTypes types)
    {
        foreach (var attribute in context.Symbol.GetAttributes())
        {
            if (!types.IsNetworkAttribute(attribute.AttributeClass)) continue;
            var declaration = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is null) continue;
            var result = Parser.Parse(context.Symbol, declaration, attribute, types, context.CancellationToken);
            if (result.ReportedByGenerator) continue;
            foreach (var diagnostic in result.Diagnostics)
                context.ReportDiagnostic(diagnostic.ToDiagnostic(context.Compilation));
        }
    }

    private static void AnalyzeStrayLayer(SymbolAnalysisContext context, KnownTypes types)
    {
        if (Parser.StrayLayer((IPropertySymbol)context.Symbol, types, context.CancellationToken) is { ReportedByGenerator: false } stray)
            context.ReportDiagnostic(stray.Diagnostic.ToDiagnostic(context.Compilation));
    }
}
