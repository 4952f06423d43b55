using NetDsl.Generators.Emit;
using NetDsl.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// Predict keeps the hidden layers' outputs on the stack only while they are small (at most
/// <see cref="Emitter.StackLimit"/> floats, 1 KiB): it may run deep in a call stack or on a thread
/// with a small stack. Above that it rents them from the shared ArrayPool, which allocates nothing
/// once warmed up.
/// </summary>
[Collection(nameof(AllocationCollection))]
public sealed class PredictScratchTests
{
    [Theory]
    [InlineData(200, 56, false)]  // 256 floats: the stack
    [InlineData(200, 57, true)]   // 257: rented
    [InlineData(4000, 1, true)]   // 16 KB, which the stack took before
    public void Predict_rents_its_scratch_above_a_kilobyte(int first, int second, bool rented)
    {
        var run = GeneratorHarness.Run($$"""
            using NetDsl;

            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense({{first}}, Activation.Relu)] public partial Layer First { get; }
                [Dense({{second}}, Activation.Relu)] public partial Layer Second { get; }
                [Dense(1)] public partial Layer Output { get; }
            }
            """).AssertCompilesCleanly();
        string predict = run.Source("Net.g.cs").Split("public void Predict(")[1].Split("public float[] Predict(")[0];
        Assert.Equal(rented, predict.Contains($"ArrayPool<float>.Shared.Rent({first + second})", StringComparison.Ordinal));
        Assert.Equal(!rented, predict.Contains("stackalloc", StringComparison.Ordinal));
    }

    [Fact]
    public void Predict_with_rented_scratch_allocates_nothing()
    {
        var net = new RentingNet(seed: 1);
        float[] input = [0.5f, -1f], output = new float[RentingNet.OutputSize];
        for (int i = 0; i < 50; i++) net.Predict(input, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300; i++) net.Predict(input, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(float.IsFinite(output[0]));
    }
}

/// <summary>300 hidden floats: more than Predict keeps on the stack.</summary>
[Network(Inputs = 2)]
public partial class RentingNet
{
    [Dense(300, Activation.Tanh)] public partial Layer Hidden { get; }
    [Dense(1)] public partial Layer Output { get; }
}
