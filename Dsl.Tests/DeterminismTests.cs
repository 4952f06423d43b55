using Xunit;

namespace NetDsl.Tests;

/// <summary>The same seed gives the same weights and the same training run, to the bit, at any thread count.</summary>
public sealed class DeterminismTests
{
    // Batches of 64 are cut into two shards of 32 rows on every machine; the last batch of 200 rows
    // (8 rows) is a single shard; batches of 91 are three shards, the last one shorter.
    private static float[] Train<T>(Func<T> create, int rows, int batch, int threads, long seed, Optimizer optimizer, int epochs = 3)
        where T : INetworkModel
    {
        var net = create();
        var (x, y) = TestData.For(NetSpec.Of(typeof(T)), rows, seed: 77);
        TrainingLoop.Fit(net, x, y, new TrainOptions
        {
            Epochs = epochs, BatchSize = batch, Optimizer = optimizer, Seed = seed, MaxDegreeOfParallelism = threads,
        });
        return net.Parameters.ToArray();
    }

    public static TheoryData<string> Networks() => new() { nameof(KernelClassifier), nameof(KernelDropout), nameof(DropoutOnKernels), nameof(DeepMixed), nameof(PassFail) };

    private static float[] Train(string network, int batch, int threads, long seed = 11, int netSeed = 5) => network switch
    {
        nameof(KernelClassifier) => Train(() => new KernelClassifier(netSeed), 200, batch, threads, seed, new Adam(0.01f)),
        nameof(KernelDropout) => Train(() => new KernelDropout(netSeed), 200, batch, threads, seed, new RmsProp(0.005f)),
        nameof(DropoutOnKernels) => Train(() => new DropoutOnKernels(netSeed), 200, batch, threads, seed, new RmsProp(0.005f)),
        nameof(DeepMixed) => Train(() => new DeepMixed(netSeed), 200, batch, threads, seed, new Sgd(0.1f) { Momentum = 0.9f }),
        nameof(PassFail) => Train(() => new PassFail(netSeed), 200, batch, threads, seed, new Sgd(0.3f)),
        _ => throw new ArgumentException(network),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Fit_gives_the_same_bits_on_1_2_and_4_threads(string network)
    {
        foreach (int batch in new[] { 64, 91, 200 })
        {
            float[] one = Train(network, batch, threads: 1);
            float[] two = Train(network, batch, threads: 2);
            float[] four = Train(network, batch, threads: 4);
            AssertBitIdentical(one, two, $"{network}, batch {batch}: 1 vs 2 threads");
            AssertBitIdentical(one, four, $"{network}, batch {batch}: 1 vs 4 threads");
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_same_seed_twice_gives_the_same_bits_and_another_seed_does_not(string network)
    {
        float[] first = Train(network, 64, threads: 2);
        float[] again = Train(network, 64, threads: 2);
        AssertBitIdentical(first, again, $"{network}: the same seeds twice");
        Assert.NotEqual(Bits(first), Bits(Train(network, 64, threads: 2, seed: 12)));      // another shuffle (and dropout) seed
        Assert.NotEqual(Bits(first), Bits(Train(network, 64, threads: 2, netSeed: 6)));    // other initial weights
    }

    [Fact]
    public void The_network_seed_fixes_the_initial_weights()
    {
        Assert.Equal(Bits(new KernelDropout(3).Parameters.ToArray()), Bits(new KernelDropout(3).Parameters.ToArray()));
        Assert.NotEqual(Bits(new KernelDropout(3).Parameters.ToArray()), Bits(new KernelDropout(4).Parameters.ToArray()));
    }

    [Fact]
    public void Trainer_steps_give_the_same_bits_on_any_thread_count()
    {
        var (x, y) = TestData.For(NetSpec.Of(typeof(KernelDropout)), 128, seed: 5);
        float[]? expected = null;
        foreach (int threads in new[] { 1, 2, 3, 4, -1 })
        {
            var net = new KernelDropout(2);
            using var trainer = new Trainer(net, new Adam(0.01f), maxBatchSize: 128, maxDegreeOfParallelism: threads);
            for (int step = 0; step < 5; step++)
            {
                trainer.Step(x, y, dropoutSeed: (ulong)step);
                trainer.Step(x.AsSpan(0, 50 * 37), y.AsSpan(0, 50 * 3), dropoutSeed: 100 + (ulong)step); // a smaller batch, cut differently
            }
            float[] parameters = net.Parameters.ToArray();
            if (expected is null) expected = parameters;
            else AssertBitIdentical(expected, parameters, $"{threads} threads");
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: parameter {i} differs: {expected[i]:R} vs {actual[i]:R}.");
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
