using System.Text.Json;

namespace NetDsl.Onnx;

/// <summary>
/// The names a dense layer's parameters carry outside NetDsl: PyTorch's <c>state_dict</c> names for
/// <c>nn.Linear</c>, <c>{name}.weight</c> and <c>{name}.bias</c>, where <c>name</c> is the member name in
/// snake_case (<c>Hidden</c> → <c>hidden</c>, <c>OutputLayer</c> → <c>output_layer</c>). The weights
/// file uses the same names, so an ONNX model and a weights file of one network line up.
/// </summary>
internal static class TensorNames
{
    /// <summary>The member name in snake_case, as System.Text.Json's snake_case policy writes it (<c>HTTPLayer</c> → <c>http_layer</c>).</summary>
    public static string Module(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);

    public static string Weight(string module) => module + ".weight";

    public static string Bias(string module) => module + ".bias";
}
