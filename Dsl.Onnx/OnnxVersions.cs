namespace NetDsl.Onnx;

/// <summary>
/// Which IR version a file must declare for the opset it imports: the table ONNX's own
/// <c>onnx.helper.VERSION_TABLE</c> keeps (ONNX 1.12 brought opset 17 with IR 8, 1.14 opset 19 with
/// IR 9, 1.16 opset 21 with IR 10, 1.18 opset 23 with IR 11, 1.19 opset 24 with IR 12, 1.20 opset 25
/// and 1.21 opset 26 with IR 13). A file declares the oldest IR version its opset allows, so the most
/// readers accept it. The newest opset is the newest ONNX Runtime 1.31 supports (it refuses 27 as
/// "under development").
/// </summary>
internal static class OnnxVersions
{
    public const int MinimumOpset = 17;
    public const int MaximumOpset = 26;

    public static long IrVersionFor(int opset) => opset switch
    {
        17 or 18 => 8,
        19 or 20 => 9,
        21 or 22 => 10,
        23 => 11,
        24 => 12,
        25 or 26 => 13,
        _ => throw new ArgumentOutOfRangeException(nameof(opset), opset,
            $"NetDsl.Onnx writes opsets {MinimumOpset} to {MaximumOpset}; {opset} is not one of them."),
    };
}
