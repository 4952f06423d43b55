namespace NetDsl;

/// <summary>
/// A fully connected layer: <c>a = f(W·x + b)</c> with <paramref name="units"/> outputs.
/// Put it on a <c>public partial Layer Name { get; }</c> property of a <see cref="NetworkAttribute"/> class.
/// </summary>
/// <param name="units">Number of output units (neurons).</param>
/// <param name="activation">The nonlinearity <c>f</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class DenseAttribute(int units, Activation activation = Activation.Identity) : Attribute
{
    /// <summary>Number of output units.</summary>
    public int Units { get; } = units;

    /// <summary>The nonlinearity applied to <c>W·x + b</c>.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>How the weights are drawn; biases always start at zero.</summary>
    public Initializer Initializer { get; set; } = Initializer.GlorotUniform;
}
