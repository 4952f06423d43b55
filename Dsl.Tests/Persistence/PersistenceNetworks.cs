// Networks for the weights-file tests: names that snake_case changes, a name outside ASCII, a nested type
// (whose name has a '+', which System.Text.Json escapes by default), and twins of PassFail's shape.
namespace NetDsl.Tests.Persistence;

/// <summary>Member names of several words: <c>hidden_layer</c>, <c>output_layer</c>.</summary>
[Network(Inputs = 3, Loss = Loss.CategoricalCrossEntropy)]
public partial class TwoWordNames
{
    [Dense(4, Activation.Relu)] public partial Layer HiddenLayer { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(2, Activation.Softmax)] public partial Layer OutputLayer { get; }
}

/// <summary>A layer named outside ASCII: its tensors are <c>größe.weight</c>, written as UTF-8, not escaped.</summary>
[Network(Inputs = 2)]
public partial class NonAsciiNames
{
    [Dense(2, Activation.Tanh)] public partial Layer Größe { get; }
    [Dense(1)] public partial Layer Output { get; }
}

/// <summary>Two layers whose snake_case names are the same: <c>hidden_layer</c>.</summary>
[Network(Inputs = 2)]
public partial class ClashingSnakeNames
{
    [Dense(2, Activation.Tanh)] public partial Layer HiddenLayer { get; }
    [Dense(2, Activation.Tanh)] public partial Layer Hidden_Layer { get; }
    [Dense(1)] public partial Layer Output { get; }
}

/// <summary>PassFail's shapes and names with other activations: its files load into PassFail (names and shapes are the contract, as in PyTorch).</summary>
[Network(Inputs = 2, Loss = Loss.MeanSquaredError)]
public partial class PassFailTwin
{
    [Dense(3, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}

public static partial class Outer
{
    /// <summary>A nested network: its type name, <c>NetDsl.Tests.Persistence.Outer+Nested</c>, goes into the metadata as is.</summary>
    [Network(Inputs = 2)]
    public partial class Nested
    {
        [Dense(1)] public partial Layer Output { get; }
    }
}
