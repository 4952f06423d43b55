using System.Globalization;
using System.Text.Json;

namespace NetDsl;

/// <summary>One dense layer's two tensors in a weights file: <c>{prefix}.weight</c> and <c>{prefix}.bias</c>.</summary>
internal sealed record LayerTensors(LayerDescription Layer, string Weight, string Bias)
{
    /// <summary>PyTorch's nn.Linear shape of the weight: [units, inputs].</summary>
    public long[] WeightShape => [Layer.Units, Layer.Inputs];

    /// <summary>[units].</summary>
    public long[] BiasShape => [Layer.Units];
}

/// <summary>Names the tensors of a network's dense layers as <see cref="WeightsOptions"/> says.</summary>
internal static class TensorNames
{
    /// <summary>The dense layers of <paramref name="network"/> with their tensors' names, in layer order.</summary>
    /// <exception cref="ArgumentException">A name in <see cref="WeightsOptions.Names"/> is not a dense layer, or two tensors would share a name.</exception>
    /// <exception cref="InvalidOperationException">The network does not list its layers.</exception>
    public static IReadOnlyList<LayerTensors> For(INetworkModel network, WeightsOptions options)
    {
        var layers = LayersOf(network);
        if (!Enum.IsDefined(options.Naming))
            throw new ArgumentOutOfRangeException(nameof(options), options.Naming, "Not a defined TensorNaming.");
        if (options.Names is { } names)
            foreach (var (member, prefix) in names)
            {
                var layer = layers.FirstOrDefault(l => l.Name == member);
                if (layer is null)
                    throw new ArgumentException($"WeightsOptions.Names maps '{member}', but {network.GetType().Name} has no layer of that name; its dense layers are {string.Join(", ", layers.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Name))}.", nameof(options));
                if (layer.Kind != LayerKind.Dense)
                    throw new ArgumentException($"WeightsOptions.Names maps '{member}', a {layer.Kind.ToString().ToLowerInvariant()} layer, which has no weights.", nameof(options));
                if (prefix is null)
                    throw new ArgumentException($"WeightsOptions.Names maps '{member}' to null; give a prefix (\"\" for plain weight and bias).", nameof(options));
            }

        var result = new List<LayerTensors>();
        int index = 0; // nn.Sequential's index of the next module
        foreach (var layer in layers)
        {
            if (layer.Kind == LayerKind.Dense)
            {
                string prefix = options.Names is { } map && map.TryGetValue(layer.Name, out var mapped) ? mapped
                    : options.Naming == TensorNaming.Sequential ? index.ToString(CultureInfo.InvariantCulture)
                    : SnakeCase(layer.Name);
                string dot = prefix.Length == 0 ? "" : prefix + ".";
                result.Add(new LayerTensors(layer, dot + "weight", dot + "bias"));
                index += layer.Activation == Activation.Identity ? 1 : 2;
            }
            else
            {
                index++;
            }
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tensors in result)
            foreach (string name in new[] { tensors.Weight, tensors.Bias })
                if (!seen.TryAdd(name, tensors.Layer.Name))
                    throw new ArgumentException(
                        $"Layers '{seen[name]}' and '{tensors.Layer.Name}' of {network.GetType().Name} would both write the tensor '{name}'; name one of them in WeightsOptions.Names.", nameof(options));
        return result;
    }

    /// <summary><c>Hidden</c> → <c>hidden</c>, <c>OutputLayer</c> → <c>output_layer</c>, <c>XMLParser</c> → <c>xml_parser</c>.</summary>
    public static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>The network's layers; a hand-written model that does not list them cannot be saved by name.</summary>
    public static IReadOnlyList<LayerDescription> LayersOf(INetworkModel network) =>
        network.Layers ?? throw new InvalidOperationException(
            $"{network.GetType().Name} does not list its layers (INetworkModel.Layers is null), so its weights have no names to save or load by; generated networks list them.");
}
