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

/// <summary>The Fashion-MNIST MLP of the Keras tutorial: 784 pixels → 128 ReLU → 10 classes.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class FashionMlp
{
    [Dense(128, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>A deeper, regularised Fashion-MNIST MLP: two 512-unit ReLU layers, each followed by dropout 0.2.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class FashionDeep
{
    [Dense(512, Activation.Relu)] public partial Layer Hidden1 { get; }
    [Dropout(0.2)] public partial Layer Dropout1 { get; }
    [Dense(512, Activation.Relu)] public partial Layer Hidden2 { get; }
    [Dropout(0.2)] public partial Layer Dropout2 { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>A wider, regularised Fashion-MNIST MLP: 784 pixels → 512 ReLU (He init) → dropout 0.2 → 10 classes.</summary>
[Network(Inputs = 784, Loss = Loss.CategoricalCrossEntropy)]
public partial class FashionWide
{
    [Dense(512, Activation.Relu, Initializer = Initializer.HeUniform)] public partial Layer Hidden { get; }
    [Dropout(0.2)] public partial Layer Dropout { get; }
    [Dense(10, Activation.Softmax)] public partial Layer Output { get; }
}
