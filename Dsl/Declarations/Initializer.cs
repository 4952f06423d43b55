namespace NetDsl;

/// <summary>How a dense layer's weights are drawn from the network's seed (biases start at zero).</summary>
public enum Initializer
{
    /// <summary>Keras's default: uniform in ±√(6 / (fanIn + fanOut)).</summary>
    GlorotUniform,
    /// <summary>He uniform, for ReLU layers: uniform in ±√(6 / fanIn).</summary>
    HeUniform,
    /// <summary>Glorot normal: truncated normal with σ = √(2 / (fanIn + fanOut)).</summary>
    GlorotNormal,
    /// <summary>He normal, for ReLU layers: truncated normal with σ = √(2 / fanIn).</summary>
    HeNormal,
    /// <summary>All weights zero (for tests and hand-set models such as the lecture's perceptron).</summary>
    Zeros,
}
