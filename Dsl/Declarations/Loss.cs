namespace NetDsl;

/// <summary>The empirical loss a network is trained on, reduced as Keras and PyTorch reduce it.</summary>
public enum Loss
{
    /// <summary><c>L = mean over every element of (ŷ − y)²</c></summary>
    MeanSquaredError,
    /// <summary><c>L = mean over every element of −[y·log ŷ + (1 − y)·log(1 − ŷ)]</c>; needs a sigmoid output.</summary>
    BinaryCrossEntropy,
    /// <summary><c>L = mean over the batch of −Σ_classes y·log ŷ</c>; needs a softmax output, one-hot targets.</summary>
    CategoricalCrossEntropy,
}
