namespace NetDsl.Tests;

/// <summary>
/// The activations' backward passes over spans: every element gets exactly the scalar formula, whichever
/// vector width (or the scalar tail) it lands in, so a result does not depend on the span's length or the machine.
/// </summary>
public sealed class ActivationTests
{
    /// <summary>Lengths around every width's multiples (4, 8, 16 floats), and a long one with a ragged tail.</summary>
    public static TheoryData<int> Lengths => new([0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 45, 63, 64, 65, 2051]);

    private static float[] Random(int length, int seed, float low, float high)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = low + (high - low) * (float)random.NextDouble();
        return values;
    }

    private static void AssertBits(float expected, float actual, string what, int i)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
            Assert.Fail($"{what}[{i}]: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SigmoidBackward_IsDeltaTimesATimesOneMinusA_LeftToRight(int length)
    {
        float[] a = Random(length, length, 0f, 1f), delta = Random(length, length + 1, -2f, 2f);
        float[] actual = [.. delta];
        Activations.SigmoidBackward(a, actual);
        for (int i = 0; i < length; i++)
            AssertBits(delta[i] * a[i] * (1f - a[i]), actual[i], "δ", i);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TanhBackward_IsDeltaTimesOneMinusASquared(int length)
    {
        float[] a = Random(length, length, -1f, 1f), delta = Random(length, length + 1, -2f, 2f);
        float[] actual = [.. delta];
        Activations.TanhBackward(a, actual);
        for (int i = 0; i < length; i++)
            AssertBits(delta[i] * (1f - a[i] * a[i]), actual[i], "δ", i);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReLUBackward_KeepsDeltaWhereAIsPositive(int length)
    {
        // Zeros of both signs, NaN and infinities among the activations; a NaN gradient where a > 0 passes through.
        float[] specials = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon];
        float[] a = Random(length, length, -1f, 1f), delta = Random(length, length + 1, -2f, 2f);
        for (int i = 0; i < length; i += 3)
            a[i] = specials[i % specials.Length];
        if (length > 2)
            delta[1] = float.NaN;
        float[] actual = [.. delta];
        Activations.ReluBackward(a, actual);
        for (int i = 0; i < length; i++)
            AssertBits(a[i] > 0f ? delta[i] : 0f, actual[i], "δ", i);
    }

    [Fact]
    public void Backward_LeavesDeltaPastTheActivationsAlone_AndRejectsAShorterDelta()
    {
        float[] a = Random(21, 1, 0.1f, 0.9f);
        foreach (var backward in new Action<float[], float[]>[]
                 {
                     (x, d) => Activations.SigmoidBackward(x, d),
                     (x, d) => Activations.TanhBackward(x, d),
                     (x, d) => Activations.ReluBackward(x, d),
                 })
        {
            float[] delta = [.. Random(21, 2, 1f, 2f), 12345f, 12345f, 12345f];
            backward(a, delta);
            Assert.Equal([12345f, 12345f, 12345f], delta[21..]);
            var e = Assert.Throws<ArgumentException>(() => backward(a, new float[20]));
            Assert.Equal("delta", e.ParamName);
        }
    }

    [Fact]
    public void Softmax_RejectsAWidthThatIsNotPositive()
    {
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Softmax([1f, 2f], new float[2], 0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Softmax([1f, 2f], new float[2], -1));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(17)]
    [InlineData(100)]
    public void Softmax_GivesARowTheSameBitsAloneAsInABatch(int width)
    {
        // A batch takes all its rows' exponentials in one pass; a narrow row alone is padded to take the same vector path.
        const int rows = 37;
        float[] z = Random(rows * width, width, -30f, 30f);
        var batch = new float[z.Length];
        Activations.Softmax(z, batch, width);
        for (int r = 0; r < rows; r++)
        {
            var alone = new float[width];
            Activations.Softmax(z.AsSpan(r * width, width), alone, width);
            for (int i = 0; i < width; i++)
                AssertBits(alone[i], batch[r * width + i], $"row {r} of width {width}", i);
        }
        // And each row is a distribution: the exponentials of z less its maximum, over their sum.
        for (int r = 0; r < rows; r++)
        {
            double max = z.Skip(r * width).Take(width).Max();
            double sum = z.Skip(r * width).Take(width).Sum(v => Math.Exp(v - max));
            for (int i = 0; i < width; i++)
                Assert.Equal(Math.Exp(z[r * width + i] - max) / sum, batch[r * width + i], 5e-6);
        }
    }
}
