// Networks declared for the numerical and training tests. The generator writes their forward and
// backward passes at build time, exactly as it does for a user. Sizes are chosen to reach both code
// paths: a dense layer with at most 64 weights is unrolled into straight-line arithmetic, a larger
// one calls the SIMD kernels; the kernel sizes (37, 19, 13, 11, 5 …) are deliberately not multiples
// of 4, 8 or 16 so every vector tail runs.
namespace NetDsl.Tests;

// ---- The lecture ---------------------------------------------------------------------------------

/// <summary>The lecture's perceptron: ŷ = σ(θ₀ + θ·x).</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class Perceptron
{
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>"Will I pass this class?": lectures attended and hours on the project → pass probability.</summary>
[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class PassFail
{
    [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

// ---- Unrolled layers (≤ 64 weights each) ---------------------------------------------------------

[Network(Inputs = 3)]
public partial class TanhRegressor
{
    [Dense(4, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(2)] public partial Layer Output { get; }
}

[Network(Inputs = 4, Loss = Loss.MeanSquaredError)]
public partial class ReluRegressor
{
    [Dense(5, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Identity)] public partial Layer Output { get; }
}

/// <summary>Sigmoid output trained with mean squared error: the sigmoid's derivative is not fused away.</summary>
[Network(Inputs = 3)]
public partial class SigmoidRegressor
{
    [Dense(4, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(2, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>Tanh and ReLU as output activations under mean squared error.</summary>
[Network(Inputs = 3)]
public partial class TanhReluOutputs
{
    [Dense(5, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Relu)] public partial Layer Middle { get; }
    [Dense(2, Activation.Tanh)] public partial Layer Output { get; }
}

/// <summary>Softmax as a hidden layer and as an output trained with MSE: the full softmax Jacobian runs.</summary>
[Network(Inputs = 3)]
public partial class SoftmaxRegressor
{
    [Dense(5, Activation.Softmax)] public partial Layer Hidden { get; }
#pragma warning disable NDSL009 // a softmax output trained with MSE is what this network is for
    [Dense(4, Activation.Softmax)] public partial Layer Output { get; }
#pragma warning restore NDSL009
}

/// <summary>The same with kernel-sized layers.</summary>
[Network(Inputs = 37)]
public partial class KernelSoftmaxRegressor
{
    [Dense(19, Activation.Softmax)] public partial Layer Hidden { get; }
#pragma warning disable NDSL009 // as above
    [Dense(5, Activation.Softmax)] public partial Layer Output { get; }
#pragma warning restore NDSL009
}


[Network(Inputs = 4, Loss = Loss.CategoricalCrossEntropy)]
public partial class SmallClassifier
{
    [Dense(6, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>8 → 8 is exactly 64 weights (unrolled); 8 → 13 and 13 → 5 (65 weights) take the kernels.</summary>
[Network(Inputs = 8)]
public partial class UnrollBoundary
{
    [Dense(8, Activation.Tanh)] public partial Layer Unrolled64 { get; }
    [Dense(13, Activation.Sigmoid)] public partial Layer Kernel104 { get; }
    [Dense(5)] public partial Layer Kernel65 { get; }
}

// ---- Kernel layers --------------------------------------------------------------------------------

[Network(Inputs = 37, Loss = Loss.CategoricalCrossEntropy)]
public partial class KernelClassifier
{
    [Dense(19, Activation.Relu)] public partial Layer Hidden { get; }
    [Dense(5, Activation.Softmax)] public partial Layer Output { get; }
}

[Network(Inputs = 37)]
public partial class KernelRegressor
{
    [Dense(19, Activation.Sigmoid)] public partial Layer First { get; }
    [Dense(13, Activation.Tanh)] public partial Layer Second { get; }
    [Dense(11)] public partial Layer Output { get; }
}

[Network(Inputs = 37, Loss = Loss.BinaryCrossEntropy)]
public partial class KernelBinary
{
    [Dense(19, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(9, Activation.Sigmoid)] public partial Layer Output { get; }
}

/// <summary>Kernel layers wide enough for whole 512-bit vectors plus tails.</summary>
[Network(Inputs = 70, Loss = Loss.CategoricalCrossEntropy)]
public partial class WideClassifier
{
    [Dense(33, Activation.Tanh)] public partial Layer First { get; }
    [Dense(17, Activation.Relu)] public partial Layer Second { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}

// ---- Deep stacks ----------------------------------------------------------------------------------

[Network(Inputs = 5, Loss = Loss.CategoricalCrossEntropy)]
public partial class DeepUnrolled
{
    [Dense(7, Activation.Tanh)] public partial Layer L1 { get; }
    [Dense(6, Activation.Sigmoid)] public partial Layer L2 { get; }
    [Dense(8, Activation.Relu)] public partial Layer L3 { get; }
    [Dense(5, Activation.Tanh)] public partial Layer L4 { get; }
    [Dense(4, Activation.Identity)] public partial Layer L5 { get; }
    [Dense(3, Activation.Softmax)] public partial Layer L6 { get; }
}

[Network(Inputs = 20, Loss = Loss.BinaryCrossEntropy)]
public partial class DeepMixed
{
    [Dense(33, Activation.Tanh)] public partial Layer L1 { get; }
    [Dense(17, Activation.Sigmoid)] public partial Layer L2 { get; }
    [Dense(9, Activation.Relu)] public partial Layer L3 { get; }
    [Dense(4, Activation.Identity)] public partial Layer L4 { get; }
    [Dense(2, Activation.Sigmoid)] public partial Layer L5 { get; }
}

// ---- Dropout --------------------------------------------------------------------------------------

[Network(Inputs = 3)]
public partial class SmallDropout
{
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dropout(0.5f)] public partial Layer Drop { get; }
    [Dense(2)] public partial Layer Output { get; }
}

[Network(Inputs = 37, Loss = Loss.CategoricalCrossEntropy)]
public partial class KernelDropout
{
    [Dense(19, Activation.Relu)] public partial Layer H1 { get; }
    [Dropout(0.25f)] public partial Layer D1 { get; }
    [Dense(11, Activation.Tanh)] public partial Layer H2 { get; }
    [Dropout(0.2f)] public partial Layer D2 { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>Dropout between layers that all run on the kernels (the output's 78 weights are past the unrolling limit).</summary>
[Network(Inputs = 37, Loss = Loss.CategoricalCrossEntropy)]
public partial class DropoutOnKernels
{
    [Dense(19, Activation.Relu)] public partial Layer H1 { get; }
    [Dropout(0.25f)] public partial Layer D1 { get; }
    [Dense(13, Activation.Tanh)] public partial Layer H2 { get; }
    [Dropout(0.2f)] public partial Layer D2 { get; }
    [Dense(6, Activation.Softmax)] public partial Layer Output { get; }
}

/// <summary>Dropout on the inputs: the first dense layer reads the dropout's output and passes no gradient down.</summary>
[Network(Inputs = 6, Loss = Loss.BinaryCrossEntropy)]
public partial class InputDropout
{
    [Dropout(0.3f)] public partial Layer InputDrop { get; }
    [Dense(4, Activation.Sigmoid)] public partial Layer Hidden { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

// ---- Training ---------------------------------------------------------------------------------------

[Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
public partial class Xor
{
    [Dense(4, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
}

[Network(Inputs = 1, Loss = Loss.MeanSquaredError)]
public partial class CurveFit
{
    [Dense(16, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}

[Network(Inputs = 2, Loss = Loss.CategoricalCrossEntropy)]
public partial class ThreeClasses
{
    [Dense(8, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
}
