namespace NetDsl.Tests.Persistence;

/// <summary>Summary(): Keras's model.summary() table, from the network's Layers.</summary>
public sealed class SummaryTests
{
    [Fact]
    public void The_summary_lists_each_layer_with_its_kind_shape_activation_and_parameters_then_the_totals()
    {
        Assert.Equal("""
            Model: "SmallDropout" (3 inputs, loss MeanSquaredError)
            _____________________________________________________________
             Layer    Kind            Output Shape   Activation   Param #
            =============================================================
             Hidden   Dense           (None, 8)      Tanh              32
             Drop     Dropout (0.5)   (None, 8)                         0
             Output   Dense           (None, 2)      Identity          18
            =============================================================
            Total params: 50 (200.00 B)
            _____________________________________________________________
            """.ReplaceLineEndings(), new SmallDropout(seed: 1).Summary());
    }

    [Fact]
    public void Counts_have_thousands_separators_and_bytes_come_in_Keras_units()
    {
        string summary = new NetDsl.Examples.FashionWide(seed: 1).Summary();
        // 784 → 512: 784·512 + 512 = 401,920 parameters; 512 → 10: 5,130; 407,050 floats are 1,628,200 bytes = 1.55 MB.
        Assert.Contains(" Hidden    Dense           (None, 512)    Relu         401,920", summary);
        Assert.Contains(" Output    Dense           (None, 10)     Softmax        5,130", summary);
        Assert.Contains($"Total params: {NetDsl.Examples.FashionWide.ParameterCount:N0} (1.55 MB)", summary);
        Assert.Equal("407,050", NetDsl.Examples.FashionWide.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(0, "0.00 B")]
    [InlineData(52, "52.00 B")]
    [InlineData(1023, "1023.00 B")]
    [InlineData(1024, "1.00 KB")]
    [InlineData(1536, "1.50 KB")]
    [InlineData(1024L * 1024 * 1024 * 3, "3.00 GB")]
    public void Bytes_read_as_Keras_reads_them(long bytes, string expected) => Assert.Equal(expected, ModelSummary.Bytes(bytes));
}
