using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDsl.Simd;
using NetDsl.Tests.Infrastructure;

namespace NetDsl.Tests;

/// <summary>
/// The Simd layer itself: each vector width against the one-float <see cref="Lane1"/>, and the dispatch.
/// The optimizers and the activations' derivatives rely on the exact operations giving the same bits
/// in every lane of every width; the kernels rely on Sum4's fixed order.
/// </summary>
public sealed class LanesTests
{
    public static TheoryData<string> Widths => new(["512", "256", "128"]);

    private static SimdWidth Width(string name) => name switch
    {
        "512" => SimdWidth.Vector512,
        "256" => SimdWidth.Vector256,
        _ => SimdWidth.Vector128,
    };

    /// <summary>64 floats: random values of both signs and magnitudes, then zeros, infinities, NaN, subnormals, extremes.</summary>
    private static float[] Inputs(int seed)
    {
        var random = new Random(seed);
        var values = new float[64];
        for (int i = 0; i < 48; i++)
            values[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-6, 7)));
        float[] specials = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, 1e-38f, 1f, -1f, 0.5f, 3f, 1e30f, -2.5e-7f];
        specials.CopyTo(values, 48);
        return values;
    }

    private const int Operations = 10;

    /// <summary>Every operation of <see cref="ILanes{TSelf}"/> that gives one float per lane, over x and y, T.Count lanes at a time.</summary>
    private static float[][] Apply<T>(float[] x, float[] y, float[] z) where T : struct, ILanes<T>
    {
        var results = new float[Operations][];
        for (int r = 0; r < Operations; r++)
            results[r] = new float[x.Length];
        for (nuint i = 0; i < (nuint)x.Length; i += (nuint)T.Count)
        {
            T a = T.Load(x, i), b = T.Load(y, i), c = T.Load(z, i);
            (a + b).Store(results[0], i);
            (a - b).Store(results[1], i);
            (a * b).Store(results[2], i);
            (a * 1.7f).Store(results[3], i);
            (a / b).Store(results[4], i);
            (-a).Store(results[5], i);
            T.Sqrt(a).Store(results[6], i);
            T.Max(a, b).Store(results[7], i);
            T.WherePositive(a, b).Store(results[8], i);
            T.MultiplyAdd(a, b, c).Store(results[9], i);
        }

        return results;
    }

    private static void Run<T>(float[] x, float[] y, float[] z, string width) where T : struct, ILanes<T>
    {
        float[][] expected = Apply<Lane1>(x, y, z), actual = Apply<T>(x, y, z);
        string[] names = ["+", "-", "*", "* float", "/", "negate", "Sqrt", "Max", "WherePositive", "MultiplyAdd"];
        for (int r = 0; r < Operations; r++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                float e = expected[r][i], a = actual[r][i];
                // NaN payloads may differ between instructions; NaN-ness may not.
                bool same = float.IsNaN(e) ? float.IsNaN(a) : BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a);
                if (!same)
                    Assert.Fail($"{width} {names[r]}({x[i]:R}, {y[i]:R}, {z[i]:R}): Lane1 gives {e:R}, the vector lane {a:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryLaneGivesTheBitsOfTheScalarLane(string width)
    {
        var w = Width(width);
        Hardware.SkipUnlessAccelerated(w);
        for (int seed = 0; seed < 20; seed++)
        {
            // x against itself and its neighbours, so equal operands, zeros of both signs and NaN meet every operation.
            float[] x = Inputs(seed), y = [.. x.Skip(seed % 7), .. x.Take(seed % 7)], z = Inputs(seed + 100);
            if (seed == 0)
                y = [.. x];
            switch (w)
            {
                case SimdWidth.Vector512: Run<Lanes512>(x, y, z, width); break;
                case SimdWidth.Vector256: Run<Lanes256>(x, y, z, width); break;
                default: Run<Lanes128>(x, y, z, width); break;
            }
        }
    }

    /// <summary>[(x0 + x1) + (x2 + x3)] after adding halves down to four lanes: the order the kernels' dot products rely on.</summary>
    private static float Tree(float[] lanes)
    {
        while (lanes.Length > 4)
            lanes = [.. Enumerable.Range(0, lanes.Length / 2).Select(i => lanes[i] + lanes[i + lanes.Length / 2])];
        return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }

    private static void CheckSum4<T>(float[] values) where T : struct, ILanes<T>
    {
        int n = T.Count;
        Vector128<float> sums = T.Sum4(T.Load(values, 0), T.Load(values, (nuint)n), T.Load(values, (nuint)(2 * n)), T.Load(values, (nuint)(3 * n)));
        for (int v = 0; v < 4; v++)
            Assert.Equal(BitConverter.SingleToInt32Bits(Tree(values[(v * n)..((v + 1) * n)])), BitConverter.SingleToInt32Bits(sums[v]));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Sum4AddsHalvesThenPairs(string width)
    {
        var w = Width(width);
        Hardware.SkipUnlessAccelerated(w);
        var random = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            float[] values = [.. Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4))))];
            switch (w)
            {
                case SimdWidth.Vector512: CheckSum4<Lanes512>(values); break;
                case SimdWidth.Vector256: CheckSum4<Lanes256>(values); break;
                default: CheckSum4<Lanes128>(values); break;
            }
        }

        var one = Lane1.Sum4(new(1f), new(2f), new(3f), new(4f));
        Assert.Equal(Vector128.Create(1f, 2f, 3f, 4f), one);
    }

    [Fact]
    public void MultiplyAddIsFusedExactlyWhenTheMachineHasFma()
    {
        // 1 + 2⁻²³ squared is 1 + 2⁻²² + 2⁻⁴⁶: the last term survives only in a fused multiply-add.
        float a = 1f + MathF.Pow(2, -23), c = -(1f + MathF.Pow(2, -22));
        float fused = MathF.FusedMultiplyAdd(a, a, c);
        Assert.NotEqual(0f, fused);
        var result = new float[1];
        Lane1.MultiplyAdd(new(a), new(a), new(c)).Store(result, 0);
        Assert.Equal(Lanes.HasFma ? fused : 0f, result[0]);
    }

    /// <summary>Adds one to each element in place: an element visited twice, or never, shows.</summary>
    private readonly ref struct AddOne(Span<float> data) : IElementwise
    {
        private readonly Span<float> data = data;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Apply<T>(nuint index) where T : struct, ILanes<T> => (T.Load(data, index) + T.Broadcast(1f)).Store(data, index);
    }

    [Fact]
    public void RunVisitsEveryElementOnce_AndNothingPastTheLength()
    {
        for (int length = 0; length <= 70; length++)
        {
            float[] data = [.. Enumerable.Range(0, length).Select(i => (float)i), -5f, -5f];
            Lanes.Run(new AddOne(data), length);
            for (int i = 0; i < length; i++)
                Assert.Equal(i + 1f, data[i]);
            Assert.Equal([-5f, -5f], data[length..]);
        }
    }

    [Fact]
    public void WidestForTakesTheWidestAcceleratedWidthTheLengthFills()
    {
        SimdWidth[] all = [SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128];
        for (int length = 0; length <= 40; length++)
        {
            SimdWidth expected = all.FirstOrDefault(w => Lanes.IsHardwareAccelerated(w) && length >= (int)w, SimdWidth.Scalar);
            Assert.Equal(expected, Lanes.WidestFor(length));
        }

        Assert.Equal((int)SimdWidth.Vector512, Lanes512.Count);
        Assert.Equal((int)SimdWidth.Vector256, Lanes256.Count);
        Assert.Equal((int)SimdWidth.Vector128, Lanes128.Count);
        Assert.Equal((int)SimdWidth.Scalar, Lane1.Count);
        Assert.Equal(Vector512.IsHardwareAccelerated, Lanes512.IsHardwareAccelerated);
    }
}
