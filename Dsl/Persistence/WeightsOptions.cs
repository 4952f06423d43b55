namespace NetDsl;

/// <summary>
/// How a network names its tensors in a weights file, and what a load accepts. The defaults write and
/// read the names of PyTorch's <c>state_dict</c> for a module with one <c>nn.Linear</c> attribute per
/// dense layer, named as the layer's member in snake_case: <c>Hidden</c> → <c>hidden.weight</c>
/// <c>[units, inputs]</c> and <c>hidden.bias</c> <c>[units]</c>.
/// </summary>
/// <remarks>
/// Pass the same options to <c>LoadWeights</c> as to <c>SaveWeights</c>: the names are not guessed. For
/// an <c>nn.Sequential</c> set <see cref="Naming"/> to <see cref="TensorNaming.Sequential"/>; for any other
/// module, or to change one name, map it in <see cref="Names"/>.
/// </remarks>
public sealed record WeightsOptions
{
    /// <summary>How dense layers are named by default; <see cref="TensorNaming.SnakeCase"/> unless set.</summary>
    public TensorNaming Naming { get; init; } = TensorNaming.SnakeCase;

    /// <summary>
    /// Names for some dense layers, by member name, overriding <see cref="Naming"/>: the prefix of the
    /// layer's <c>.weight</c> and <c>.bias</c> tensors (<c>["Hidden"] = "encoder.0"</c> gives
    /// <c>encoder.0.weight</c>). An empty prefix names them <c>weight</c> and <c>bias</c>, as a lone
    /// <c>nn.Linear</c>'s <c>state_dict</c> does. Null (the default): no overrides.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Names { get; init; }

    /// <summary>
    /// Whether a load accepts NaN or infinite weights. False (the default): such a file is refused, naming
    /// the first such weight, and the network keeps its weights.
    /// </summary>
    public bool AllowNonFinite { get; init; }
}

/// <summary>How <see cref="WeightsOptions"/> names dense layers' tensors by default.</summary>
public enum TensorNaming
{
    /// <summary>
    /// The layer's member name in snake_case, as a PyTorch module's attribute would be: <c>Hidden</c> →
    /// <c>hidden.weight</c>, <c>OutputLayer</c> → <c>output_layer.weight</c>, <c>Hidden2</c> → <c>hidden2.weight</c>.
    /// </summary>
    SnakeCase,

    /// <summary>
    /// The indices <c>nn.Sequential</c> gives when the network is written as one module per step: each dense
    /// layer an <c>nn.Linear</c> followed by its activation's module (none for identity), each dropout an
    /// <c>nn.Dropout</c>. A 2 → 3 sigmoid → 1 sigmoid network is <c>nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(),
    /// nn.Linear(3, 1), nn.Sigmoid())</c>: tensors <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>.
    /// The last activation may be left out (to train on logits): it comes after every index.
    /// </summary>
    Sequential,
}
