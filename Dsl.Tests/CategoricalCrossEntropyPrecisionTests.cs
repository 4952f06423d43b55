namespace NetDsl.Tests;

public class CategoricalCrossEntropyPrecisionTests
{
    [Theory]
    [InlineData(10f)]
    [InlineData(20f)]
    public void A_confident_right_prediction_has_the_small_loss_double_precision_gives(float confidence)
    {
        float[] logits = [confidence, 0f, 0f], targets = [1f, 0f, 0f];
        double expected = Math.Log(1 + 2 * Math.Exp(-confidence)); // −log softmax(z)₀
        float loss = Losses.CategoricalCrossEntropyWithLogits(logits, targets, 3, 1f, []);
        Assert.True(loss > 0f);
        Assert.Equal(expected, loss, expected * 1e-5);
    }
}
