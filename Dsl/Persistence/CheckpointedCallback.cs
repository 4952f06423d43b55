using System.Globalization;
using System.Text.Json;

namespace NetDsl;

/// <summary>
/// A built-in callback whose watching a checkpoint keeps (best value, patience, cooldown…), so that a Fit
/// resumed from it goes on exactly as the interrupted one would have. A user's own callbacks keep their
/// state themselves, as Keras's BackupAndRestore leaves theirs.
/// </summary>
internal interface ICheckpointedCallback
{
    /// <summary>Writes the state as the properties of a JSON object.</summary>
    void WriteState(Utf8JsonWriter json);

    /// <summary>Puts back what <see cref="WriteState"/> wrote; called after <see cref="Callback.OnTrainBegin"/>.</summary>
    void ReadState(JsonElement state);
}

/// <summary>Floats in a checkpoint's JSON: finite ones as the shortest number that reads back to the same bits, the others as strings.</summary>
internal static class CheckpointJson
{
    public static void WriteFloat(Utf8JsonWriter json, string name, float? value)
    {
        if (value is not float v) json.WriteNull(name);
        else if (float.IsFinite(v)) json.WriteNumber(name, v);
        else json.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
    }

    public static float? ReadFloat(JsonElement json, string name)
    {
        var value = json.GetProperty(name);
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => float.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => value.GetSingle(),
        };
    }
}
