using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generators.Parse;

/// <summary>Metadata names the parser looks for, and the member names the emitter writes.</summary>
internal static class KnownNames
{
    public const string NetworkAttribute = "NetDsl.NetworkAttribute";
    public const string DenseAttribute = "NetDsl.DenseAttribute";
    public const string DropoutAttribute = "NetDsl.DropoutAttribute";

    /// <summary>The attributes that make a property a layer, by metadata name, one per <see cref="Model.LayerKind"/>.</summary>
    public static readonly (string MetadataName, Model.LayerKind Kind)[] LayerAttributes =
    [
        (DenseAttribute, Model.LayerKind.Dense),
        (DropoutAttribute, Model.LayerKind.Dropout),
    ];
    public const string Layer = "NetDsl.Layer";

    public const string NetworkModelInterface = "NetDsl.INetworkModel";

    /// <summary>The public members every network gets besides its constructor and layers (a placeholder declares them too).</summary>
    public static readonly string[] PublicMembers =
    [
        "InputSize", "OutputSize", "ParameterCount", "Parameters", "Layers", "Predict", "LossAndGradient", "Fit", "Evaluate",
        "SaveWeights", "LoadWeights", "Summary",
    ];

    /// <summary>Members every network gets, whatever its layers.</summary>
    public static readonly string[] GeneratedMembers = [.. PublicMembers, "Workspace", "_parameters", "_workspace", "_layers"];

    /// <summary>
    /// The part of each layer's method names after <c>Forward</c>/<c>Backward</c>, in the order of
    /// <paramref name="layers"/>: the layer's name with its first letter capitalised, as C# names
    /// methods (<c>ForwardOutput</c> for a layer <c>output</c>), unless that would give two layers the
    /// same methods (<c>output</c> beside <c>Output</c>): then each of those not already capitalised
    /// keeps its name as declared (<c>Forwardoutput</c>, <c>ForwardOutput</c>). Layer names are
    /// distinct, so the stems are too.
    /// </summary>
    public static string[] MethodStems(IReadOnlyList<string> layers)
    {
        var capitalised = layers.Select(Capitalise).ToArray();
        var shared = new HashSet<string>(capitalised.GroupBy(c => c, System.StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key), System.StringComparer.Ordinal);
        var stems = layers.Select((name, i) => shared.Contains(capitalised[i]) && capitalised[i] != name ? name : capitalised[i]).ToArray();
        // Belt and braces for case mappings that are not idempotent: names as declared never collide.
        return stems.Distinct(System.StringComparer.Ordinal).Count() == stems.Length ? stems : [.. layers];
    }

    private static string Capitalise(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    public static string Forward(string stem) => "Forward" + stem;

    public static string Backward(string stem) => "Backward" + stem;

    /// <summary>Every name the generated code declares on a network with these layers.</summary>
    public static HashSet<string> Reserved(IReadOnlyList<string> layers)
    {
        var names = new HashSet<string>(GeneratedMembers, System.StringComparer.Ordinal);
        foreach (var stem in MethodStems(layers))
        {
            names.Add(Forward(stem));
            names.Add(Backward(stem));
        }
        return names;
    }
}
