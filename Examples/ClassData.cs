using NetDsl.Runtime;

namespace NetDsl.Examples;

/// <summary>
/// The lecture's "will I pass this class?" data: lectures attended (0–12) and hours on the final
/// project (0–10) for each student, drawn from a seed; a student passes when lectures + 2·hours ≥ 12.
/// </summary>
internal static class ClassData
{
    public static bool Passes(float lectures, float hours) => lectures + 2f * hours >= 12f;

    /// <summary>Row-major features [students × 2] and targets [students × 1] (1 = pass).</summary>
    public static (float[] Features, float[] Passed) Generate(int students, long seed)
    {
        var random = new SeededRandom(seed);
        var features = new float[students * 2];
        var passed = new float[students];
        for (int i = 0; i < students; i++)
        {
            float lectures = random.NextInt(13), hours = MathF.Round(random.NextFloat() * 100f) / 10f;
            features[2 * i] = lectures;
            features[2 * i + 1] = hours;
            passed[i] = Passes(lectures, hours) ? 1f : 0f;
        }
        return (features, passed);
    }
}
