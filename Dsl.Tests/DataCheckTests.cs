using Xunit;

namespace NetDsl.Tests;

/// <summary>The finiteness scan: vector passes with an overlapping last vector, and a scalar loop for short spans.</summary>
public sealed class DataCheckTests
{
    public static TheoryData<float> NonFinite() => new() { float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(-1) /* a negative NaN */ };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void Every_length_and_position_of_a_non_finite_value_is_found(float bad)
    {
        // Lengths through the scalar, 128-, 256- and 512-bit paths and their overlapping tails.
        for (int length = 1; length <= 70; length++)
            for (int at = 0; at < length; at++)
            {
                var values = Finite(length);
                values[at] = bad;
                Assert.False(DataChecks.AllFinite(values), $"length {length}, position {at}");
                var e = Assert.Throws<ArgumentException>(() => DataChecks.Finite(values, 5, "inputs"));
                Assert.Contains($"row {at / 5}, column {at % 5} is {bad}", e.Message);
            }
    }

    [Fact]
    public void Extreme_finite_values_pass_at_every_length()
    {
        for (int length = 0; length <= 70; length++)
        {
            Assert.True(DataChecks.AllFinite(Finite(length)), $"length {length}");
            DataChecks.Finite(Finite(length), 1, "inputs");
        }
    }

    // float.MaxValue, −MaxValue, the smallest subnormal, −0, and ordinary values in turn.
    private static float[] Finite(int length)
    {
        float[] extremes = [float.MaxValue, -float.MaxValue, float.Epsilon, -0f, 1.5f, -3e-39f, 0f];
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = extremes[i % extremes.Length];
        return values;
    }
}
