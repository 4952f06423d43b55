namespace NetDsl;

/// <summary>
/// Inverted dropout, as its own layer (like Keras's <c>Dropout</c>): while training, each unit of the
/// previous layer is zeroed with probability <paramref name="rate"/> and the kept ones are scaled by
/// <c>1 / (1 − rate)</c>; in <c>Predict</c> and <c>Evaluate</c> it is the identity.
/// </summary>
/// <param name="rate">Fraction of units dropped, in [0, 1); <c>[Dropout(0.2)]</c> as in Keras.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false, AllowMultiple = false)]
public sealed class DropoutAttribute(double rate) : Attribute
{
    /// <summary>Fraction of units dropped while training.</summary>
    public double Rate { get; } = rate;
}
