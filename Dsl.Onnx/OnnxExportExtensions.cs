using Google.Protobuf;

namespace NetDsl.Onnx;

/// <summary>
/// Exports a NetDsl network as an ONNX model, for ONNX Runtime or any other ONNX backend:
/// <code>
/// net.ExportOnnx("classifier.onnx");                                            // what Predict returns
/// net.ExportOnnx("logits.onnx", new OnnxExportOptions { Output = OnnxOutput.Logits, Opset = 21 });
/// </code>
/// The model has one input, <c>input</c> <c>[batch, InputSize]</c>, and one output, <c>output</c>
/// <c>[batch, OutputSize]</c>, with a dynamic batch dimension; each dense layer is a <c>Gemm</c> and
/// its activation, its parameters named <c>{layer in snake_case}.weight</c> and <c>.bias</c> as in the
/// weights file. The network is checked and measured before anything is written.
/// </summary>
public static class OnnxExportExtensions
{
    /// <summary>
    /// Writes <paramref name="network"/> to <paramref name="path"/> as an ONNX model. The file is written
    /// whole or not at all: into a temporary file in the same folder, flushed to disk, then renamed over
    /// <paramref name="path"/>, so a failure leaves an existing file as it was.
    /// </summary>
    /// <exception cref="ArgumentException">The network does not list its layers, two layers' names meet in snake_case, or a weight is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (<see cref="OnnxExportOptions.Opset"/>).</exception>
    /// <exception cref="NotSupportedException">The model would be over 2 GiB, more than one protobuf file holds.</exception>
    public static void ExportOnnx(this INetworkModel network, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = OnnxModelBuilder.Build(network, options ?? new OnnxExportOptions());

        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="network"/> to <paramref name="stream"/> as an ONNX model.</summary>
    /// <inheritdoc cref="ExportOnnx(INetworkModel, string, OnnxExportOptions?)" path="/exception"/>
    public static void ExportOnnx(this INetworkModel network, Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        OnnxModelBuilder.Build(network, options ?? new OnnxExportOptions()).WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="network"/>, as the bytes of a <c>.onnx</c> file.</summary>
    /// <inheritdoc cref="ExportOnnx(INetworkModel, string, OnnxExportOptions?)" path="/exception"/>
    public static byte[] ToOnnxBytes(this INetworkModel network, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return OnnxModelBuilder.Build(network, options ?? new OnnxExportOptions()).ToByteArray();
    }
}
