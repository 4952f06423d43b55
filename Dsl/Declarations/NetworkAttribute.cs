namespace NetDsl;

/// <summary>
/// Marks a <c>partial</c> class as a network. Its layers are the members marked
/// <see cref="DenseAttribute"/> or <see cref="DropoutAttribute"/>, in declaration order;
/// the NetDsl generator writes everything else: the forward pass, the backpropagation,
/// <c>Predict</c>, <c>LossAndGradient</c>, <c>Fit</c> and <c>Evaluate</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Number of input features.</summary>
    public int Inputs { get; set; }

    /// <summary>The loss the network is trained on; mean squared error when omitted.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;
}
