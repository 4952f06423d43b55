namespace NetDsl;

/// <summary>The nonlinearity of a dense layer.</summary>
public enum Activation
{
    /// <summary><c>f(z) = z</c></summary>
    Identity,
    /// <summary><c>σ(z) = 1 / (1 + e^−z)</c></summary>
    Sigmoid,
    /// <summary><c>tanh(z)</c></summary>
    Tanh,
    /// <summary><c>max(0, z)</c></summary>
    Relu,
    /// <summary><c>softmax(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ</c>, over the layer's units</summary>
    Softmax,
}
