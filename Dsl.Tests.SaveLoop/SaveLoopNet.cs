namespace NetDsl.Tests.SaveLoop;

/// <summary>
/// About a million parameters (4 MB of weights): large enough that writing and flushing a save takes most of
/// the loop's time, so a kill at a random moment usually lands inside a save.
/// </summary>
[Network(Inputs = 1000)]
public partial class SaveLoopNet
{
    [Dense(1000, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(10)] public partial Layer Output { get; }
}
