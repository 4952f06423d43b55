namespace NetDsl.Tests;

/// <summary>
/// Every runtime switch over <see cref="Loss"/> refuses a value that is not one, rather than taking
/// another loss's branch: before, an undefined loss counted no accuracy, was scaled per element and
/// had its targets checked as mean squared error's, all silently.
/// </summary>
public class UndefinedLossTests
{
    private const Loss Undefined = (Loss)42;

    public static TheoryData<string, Action> Switches => new()
    {
        { "Losses.Compute", () => Losses.Compute(Undefined, [0f], [0f], 1, 1f, new float[1]) },
        { "Losses.MeanScale", () => Losses.MeanScale(Undefined, 4, 2) },
        { "Accuracy.Count", () => Accuracy.Count(Undefined, [0f, 1f], [0f, 1f], 2) },
        { "Accuracy.Has", () => Accuracy.Has(Undefined) },
        { "DataChecks.Targets", () => DataChecks.Targets(Undefined, [0.5f, 0.5f], 2) },
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public void An_undefined_loss_is_refused_by_name(string where, Action call)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.True(Equals(Undefined, error.ActualValue), $"{where} reported {error.ActualValue}");
        Assert.Contains("MeanSquaredError, BinaryCrossEntropy, CategoricalCrossEntropy", error.Message);
    }

    [Fact]
    public void Each_defined_loss_passes_every_switch()
    {
        foreach (var loss in Enum.GetValues<Loss>())
        {
            Assert.True(Losses.MeanScale(loss, 4, 2) > 0f);
            _ = Accuracy.Count(loss, [0f, 1f], [0f, 1f], 2);
            _ = Accuracy.Has(loss);
            DataChecks.Targets(loss, [0f, 1f], 2);
        }
    }
}
