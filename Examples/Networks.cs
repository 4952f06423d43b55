namespace NetDsl.Examples;

/// <summary>The lecture's perceptron: two inputs, one sigmoid output, ŷ = σ(θ₀ + θ·x).</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class Perceptron
{
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>"Will I pass this class?": lectures attended and hours on the project in, a pass probability out.</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class PassFail
{
    [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}
