using System.ComponentModel;
namespace NetDsl.Runtime;

/// <summary>
/// A small, fast, fully specified random stream (SplitMix64), so the same seed gives the same
/// weights, shuffles and dropout masks on every machine and .NET version.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct SeededRandom
{
    private ulong _state;

    /// <summary>A stream for <paramref name="seed"/>; distinct <paramref name="stream"/> values give independent streams.</summary>
    public SeededRandom(long seed, long stream = 0) => _state = Mix((ulong)seed, (ulong)stream);

    /// <summary>Hashes two words into one (SplitMix64's finaliser over their combination).</summary>
    public static ulong Mix(ulong a, ulong b)
    {
        ulong z = a * 0x9E3779B97F4A7C15UL ^ (b + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), with 24 bits of precision.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>Standard normal (Box–Muller).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - (NextUInt64() >> 11) * (1.0 / (1UL << 53)); // (0, 1]
        double u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
