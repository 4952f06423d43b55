namespace NetDsl.Onnx.Tests;

// The networks the exporter is tested on: every activation as a hidden layer and as the output,
// dropout inside and at the input, a 784-wide classifier, and names that need snake_case.

/// <summary>Every activation in one stack, with dropout in the middle and a two-word output name.</summary>
[Network(Inputs = 6, Loss = Loss.CategoricalCrossEntropy)]
public partial class EveryActivation
{
    [Dense(8, Activation.Sigmoid)] public partial Layer Hidden1 { get; }
    [Dense(7, Activation.Tanh)] public partial Layer Hidden2 { get; }
    [Dropout(0.3)] public partial Layer Drop { get; }
    [Dense(9, Activation.Relu, Initializer = Initializer.HeNormal)] public partial Layer Hidden3 { get; }
    [Dense(5)] public partial Layer Linear { get; }
    [Dense(4, Activation.Softmax)] public partial Layer OutputLayer { get; }
}

/// <summary>A sigmoid output trained on binary cross-entropy: Predict returns probabilities, the loss reads logits.</summary>
[Network(Inputs = 3, Loss = Loss.BinaryCrossEntropy)]
public partial class SigmoidOutput
{
    [Dense(4, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(2, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>Dropout on the inputs, then a tanh output.</summary>
[Network(Inputs = 5)]
public partial class TanhOutput
{
    [Dropout(0.2)] public partial Layer InputDrop { get; }
    [Dense(6, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Tanh)] public partial Layer Output { get; }
}

/// <summary>A ReLU output.</summary>
[Network(Inputs = 4)]
public partial class ReluOutput
{
    [Dense(5, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(2, Activation.Relu)] public partial Layer Output { get; }
}

/// <summary>An identity output: a regression.</summary>
[Network(Inputs = 2)]
public partial class IdentityOutput
{
    [Dense(3, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}

/// <summary>One dense layer, nothing else: the smallest graph.</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class Perceptron
{
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>The Fashion-MNIST classifier: 784 pixels → 128 ReLU → dropout 0.2 → 10 softmax.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class Wide784
{
    [Dense(128, Activation.Relu, Initializer = Initializer.HeUniform)] public partial Layer Hidden { get; }
    [Dropout(0.2)] public partial Layer Drop { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>Two layers whose names differ only in case: in snake_case both are "output".</summary>
[Network(Inputs = 2)]
public partial class CaseClash
{
#pragma warning disable IDE1006 // the clash is the point
    [Dense(2, Activation.Tanh)] public partial Layer output { get; }
#pragma warning restore IDE1006
    [Dense(1)] public partial Layer Output { get; }
}
