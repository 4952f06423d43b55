using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetDsl.Runtime;

/// <summary>Checks of user data, with messages that say what was expected and what came.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DataChecks
{
    /// <summary>
    /// Checks a row-major batch of <paramref name="inputSize"/>-wide inputs and
    /// <paramref name="outputSize"/>-wide targets and returns its row count.
    /// </summary>
    public static int Batch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize)
    {
        int rows = Rows(inputs, inputSize);
        if (targets.Length != rows * outputSize)
            throw new ArgumentException($"Expected {rows * outputSize} target values ({rows} rows × {outputSize} outputs) for {rows} input rows, but got {targets.Length}.", nameof(targets));
        return rows;
    }

    /// <summary>
    /// Checks Predict's spans: whole, non-empty rows of <paramref name="inputSize"/> inputs, and room for exactly
    /// <paramref name="outputSize"/> outputs a row; returns the row count.
    /// </summary>
    public static int Predictions(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs, int inputSize, int outputSize)
    {
        // One row, the common case, in one compare.
        if (inputs.Length == inputSize && outputs.Length == outputSize)
            return 1;
        int rows = Rows(inputs, inputSize);
        if (outputs.Length != rows * outputSize)
            throw new ArgumentException($"Expected {rows * outputSize} values in outputs ({rows} rows × {outputSize} outputs) for {rows} input rows, but got {outputs.Length}.", nameof(outputs));
        return rows;
    }

    /// <summary>Checks that the inputs are whole, non-empty rows of <paramref name="inputSize"/> features and returns their count.</summary>
    public static int Rows(ReadOnlySpan<float> inputs, int inputSize)
    {
        if (inputs.IsEmpty)
            throw new ArgumentException("The inputs are empty; expected at least one row of " + inputSize + " features.", nameof(inputs));
        if (inputs.Length % inputSize != 0)
            throw new ArgumentException($"Expected inputs in rows of {inputSize} features, but got {inputs.Length} values ({inputs.Length / (double)inputSize:0.##} rows).", nameof(inputs));
        return inputs.Length / inputSize;
    }

    /// <summary>
    /// How far a categorical target row's sum may stray from 1: far above float rounding (smoothed
    /// labels, a teacher's softmax, rows normalised in float), far below any real mistake.
    /// </summary>
    internal const double CategoricalSumTolerance = 1e-3;

    /// <summary>
    /// Throws unless every value is finite, naming the row and column of the first that is not. Every
    /// entry point checks its inputs with it, Predict included; it costs a vector pass over the values
    /// (a couple of compares for a short span).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Finite(ReadOnlySpan<float> values, int width, string name)
    {
        if (!AllFinite(values)) ThrowNotFinite(values, width, name);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotFinite(ReadOnlySpan<float> values, int width, string name)
    {
        int i = 0;
        while (float.IsFinite(values[i])) i++;
        throw new ArgumentException($"Expected finite {name}, but row {i / width}, column {i % width} is {values[i]}.", name);
    }

    /// <summary>
    /// Whether every value is finite: a vector pass for a long span; spans shorter than a 128-bit
    /// vector take a scalar compare a value, inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool AllFinite(ReadOnlySpan<float> values)
    {
        // Inlined into the caller for a short span (Predict on a few features): no call at all.
        if (values.Length >= Vector128<float>.Count) return AllFiniteVectorized(values);
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return false;
        return true;
    }

    // A float is finite exactly when its bits shifted left by one (the sign dropped) are below +∞'s,
    // 0xFF000000; NaN and ±∞ are at or above. So one pass of unsigned maxima over the shifted bits, at the
    // widest width, the last vector overlapping the one before instead of a scalar tail. (TensorPrimitives'
    // MaxMagnitude, which this replaced, keeps NaN and signs apart and took half a 100k-parameter training
    // step's bookkeeping on AVX2.) Needs at least four values.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a loop on the training path: optimised at its first call, not after hundreds of slow steps in unoptimised code
    private static bool AllFiniteVectorized(ReadOnlySpan<float> values)
    {
        ref uint bits = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(values));
        nuint n = (nuint)values.Length;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<uint>.Count)
        {
            nuint last = n - (nuint)Vector512<uint>.Count;
            Vector512<uint> max = Vector512.LoadUnsafe(ref bits, last) << 1;
            for (nuint i = 0; i < last; i += (nuint)Vector512<uint>.Count)
                max = Vector512.Max(max, Vector512.LoadUnsafe(ref bits, i) << 1);
            return Vector512.LessThanAll(max, Vector512.Create(InfinityBitsShifted));
        }
        if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<uint>.Count)
        {
            nuint last = n - (nuint)Vector256<uint>.Count;
            Vector256<uint> max = Vector256.LoadUnsafe(ref bits, last) << 1;
            for (nuint i = 0; i < last; i += (nuint)Vector256<uint>.Count)
                max = Vector256.Max(max, Vector256.LoadUnsafe(ref bits, i) << 1);
            return Vector256.LessThanAll(max, Vector256.Create(InfinityBitsShifted));
        }
        {
            nuint last = n - (nuint)Vector128<uint>.Count;
            Vector128<uint> max = Vector128.LoadUnsafe(ref bits, last) << 1;
            for (nuint i = 0; i < last; i += (nuint)Vector128<uint>.Count)
                max = Vector128.Max(max, Vector128.LoadUnsafe(ref bits, i) << 1);
            return Vector128.LessThanAll(max, Vector128.Create(InfinityBitsShifted));
        }
    }

    /// <summary>+∞'s bits shifted left by one: 0x7F800000 &lt;&lt; 1.</summary>
    private const uint InfinityBitsShifted = 0xFF000000;

    /// <summary>
    /// Throws unless the targets fit <paramref name="loss"/>: probabilities in [0, 1] for the
    /// cross-entropies, and for categorical cross-entropy rows that are distributions — one-hot, or
    /// probabilities summing to 1 (within 0.001, so smoothed labels pass).
    /// </summary>
    public static void Targets(Loss loss, ReadOnlySpan<float> targets, int width)
    {
        Finite(targets, width, "targets");
        (bool probabilities, bool distributions) = loss switch
        {
            Loss.MeanSquaredError => (false, false),
            Loss.BinaryCrossEntropy => (true, false),
            Loss.CategoricalCrossEntropy => (true, true),
            _ => throw Losses.Undefined(loss),
        };
        if (!probabilities) return;
        for (int i = 0; i < targets.Length; i++)
            if (targets[i] is < 0f or > 1f)
                throw new ArgumentException($"Expected {loss} targets in [0, 1], but row {i / width}, column {i % width} is {targets[i]}.", nameof(targets));
        if (!distributions) return;
        // An all-zero row has loss 0 and a row with two 1s trains towards neither: both are mistakes.
        for (int start = 0, row = 0; start < targets.Length; start += width, row++)
        {
            double sum = 0;
            foreach (float value in targets.Slice(start, width)) sum += value;
            if (Math.Abs(sum - 1.0) > CategoricalSumTolerance)
                throw new ArgumentException(
                    $"Targets row {row} sums to {(float)sum}; categorical cross-entropy needs one-hot rows (or probabilities summing to 1).", nameof(targets));
        }
    }

    /// <summary>A full check of a data set: shape, finiteness, target range. Returns the row count.</summary>
    public static int DataSet(Loss loss, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize)
    {
        int rows = Batch(inputs, targets, inputSize, outputSize);
        Finite(inputs, inputSize, "inputs");
        Targets(loss, targets, outputSize);
        return rows;
    }

    /// <summary>Checks that a span has exactly <paramref name="expected"/> values.</summary>
    public static void Length(ReadOnlySpan<float> values, int expected, string name)
    {
        if (values.Length != expected)
            throw new ArgumentException($"Expected {expected} values in {name}, but got {values.Length}.", name);
    }
}
