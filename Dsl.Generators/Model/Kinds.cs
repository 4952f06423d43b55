namespace NetDsl.Generators.Model;

// Mirrors of the runtime's enums (NetDsl.Activation, NetDsl.Loss, NetDsl.Initializer): the generator
// cannot reference the runtime, so the numeric values must match; a test checks that they do.

internal enum ActivationKind { Identity, Sigmoid, Tanh, Relu, Softmax }

internal enum LossKind { MeanSquaredError, BinaryCrossEntropy, CategoricalCrossEntropy }

internal enum InitializerKind { GlorotUniform, HeUniform, GlorotNormal, HeNormal, Zeros }

internal enum LayerKind { Dense, Dropout }
