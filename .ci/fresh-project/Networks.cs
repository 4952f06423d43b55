using NetDsl;

namespace FreshProject;

/// <summary>Lectures attended and hours on the final project in, a pass probability out.</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
internal sealed partial class PassFail
{
    [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>A small Fashion-MNIST classifier.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
internal sealed partial class Classifier
{
    [Dense(64, Activation.Relu, Initializer = Initializer.HeUniform)] public partial Layer Hidden { get; }
    [Dropout(0.1)] public partial Layer Dropout { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>One input, one output, a curve in between.</summary>
[Network(Inputs = 1)]
internal sealed partial class Sine
{
    [Dense(16, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}
