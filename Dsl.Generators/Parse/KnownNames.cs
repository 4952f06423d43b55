using System.Collections.Generic;

namespace NetDsl.Generators.Parse;

/// <summary>Metadata names the parser looks for, and the member names the emitter writes.</summary>
internal static class KnownNames
{
    public const string NetworkAttribute = "NetDsl.NetworkAttribute";
    public const string DenseAttribute = "NetDsl.DenseAttribute";
    public const string DropoutAttribute = "NetDsl.DropoutAttribute";
    public const string Layer = "NetDsl.Layer";

    public const string NetworkModelInterface = "NetDsl.INetworkModel";

    /// <summary>The public members every network gets besides its constructor and layers (a placeholder declares them too).</summary>
    public static readonly string[] PublicMembers =
    [
        "InputSize", "OutputSize", "ParameterCount", "Parameters", "Predict", "LossAndGradient", "Fit", "Evaluate",
    ];

    /// <summary>Members every network gets, whatever its layers.</summary>
    public static readonly string[] GeneratedMembers = [.. PublicMembers, "Workspace", "_parameters", "_workspace"];

    public static string Forward(string layer) => "Forward" + layer;

    public static string Backward(string layer) => "Backward" + layer;

    /// <summary>Every name the generated code declares on a network with these layers.</summary>
    public static HashSet<string> Reserved(IEnumerable<string> layers)
    {
        var names = new HashSet<string>(GeneratedMembers, System.StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            names.Add(Forward(layer));
            names.Add(Backward(layer));
        }
        return names;
    }
}
