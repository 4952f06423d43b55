using System.Text.RegularExpressions;

namespace NetDsl.Tests.Build;

/// <summary>
/// One small console project for <see cref="RealBuildTests"/>: its source files, where each NDSL
/// diagnostic must appear (marked <c>{|NDSL004:Output|}</c> in the source, as the Roslyn SDK's test
/// markup names a span), and the compiler's own errors the case cannot avoid.
/// </summary>
/// <param name="Name">The project's folder and file name.</param>
/// <param name="Files">File name → marked source. Program.cs defaults to <see cref="RealBuildCases.UsesTheNetwork"/>.</param>
/// <param name="Messages">The message of each marked diagnostic, in the order of the markers (files in the order given).</param>
/// <param name="CompilerErrors">Compiler errors that come with the NDSL ones when the compiler rejects the declaration itself.</param>
internal sealed record BuildCase(string Name, IReadOnlyList<(string File, string Source)> Files, string[] Messages, string[] CompilerErrors, bool TreatWarningsAsErrors = true)
{
    /// <summary>Whether the build must fail: any error expected.</summary>
    public bool Fails => CompilerErrors.Length > 0 || Expected.Any(d => d.Severity == "error");

    /// <summary>The NDSL diagnostics the build must print, and no others.</summary>
    public IReadOnlyList<BuildDiagnostic> Expected { get; } = Locate(Files, Messages);

    public IEnumerable<(string File, string Text)> Sources =>
        Files.Select(f => (f.File, Markers.Replace(f.Source, "${text}")));

    private static readonly Regex Markers = new(@"\{\|(?<id>NDSL\d{3}):(?<text>.*?)\|\}");

    private static List<BuildDiagnostic> Locate(IReadOnlyList<(string File, string Source)> files, string[] messages)
    {
        var found = new List<BuildDiagnostic>();
        foreach (var (file, source) in files)
            foreach (Match marker in Markers.Matches(source))
            {
                // The text before the marked span once the markers in it are gone: its lines and last line's length.
                string before = Markers.Replace(source[..marker.Index], "${text}");
                int line = before.Count(c => c == '\n') + 1;
                int column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
                string id = marker.Groups["id"].Value;
                found.Add(new BuildDiagnostic(file, line, column, id == "NDSL009" ? "warning" : "error", id, messages[found.Count]));
            }
        if (found.Count != messages.Length)
            throw new ArgumentException($"{found.Count} markers but {messages.Length} messages.", nameof(messages));
        return found;
    }
}

/// <summary>A diagnostic line of the build output: <c>file(line,col): error ID: message [project]</c>, with the file name only.</summary>
internal sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    /// <summary>The help link MSBuild prints after the message, in parentheses; not part of <see cref="ToString"/>.</summary>
    public string? HelpLink { get; init; }

    public override string ToString() => $"{File}({Line},{Column}): {Severity} {Id}: {Message}";
}

/// <summary>The projects: one per NDSL error id (three for NDSL013: one the analyzer reports, two the generator), the warning with and without #pragma, and several errors together.</summary>
internal static class RealBuildCases
{
    /// <summary>Top-level statements that use the network as users do: the constructor, Predict, Fit, Evaluate.</summary>
    public const string UsesTheNetwork = """
        using NetDsl;

        var net = new Net(seed: 1);
        float[] y = net.Predict([1f, 2f]);
        net.Fit(new float[] { 0f, 1f }, new float[] { 1f }, new TrainOptions { Epochs = 1 });
        var (loss, _) = net.Evaluate(new float[] { 0f, 1f }, new float[] { 1f });
        Console.WriteLine($"{y[0]} {loss} {Net.InputSize}");
        """;

    private const string Header = """
        using NetDsl;

        /// <summary>A network.</summary>

        """;

    private static BuildCase Case(string name, string net, string[] messages, string[]? compilerErrors = null, string program = UsesTheNetwork, bool treatWarningsAsErrors = true) =>
        new(name, [("Net.cs", Header + net), ("Program.cs", program)], messages, compilerErrors ?? [], treatWarningsAsErrors);

    public static readonly BuildCase[] All =
    [
        // The compiler rejects a partial member in a non-partial type itself (CS0751, and CS9248 since
        // no code can join the type): it stops there, so the generator reports NDSL001.
        Case("ndsl001", """
            [Network(Inputs = 2)]
            public class {|NDSL001:Net|}
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """, ["'Net' must be declared partial so NetDsl can generate network 'Net'"],
            compilerErrors: ["CS0751", "CS9248"]),

        Case("ndsl002", """
            [Network(Inputs = 2)]
            public partial class {|NDSL002:Net|}
            {
                /// <summary>Not a layer.</summary>
                public int NotALayer => 0;
            }
            """, ["Network 'Net' declares no [Dense] layer; add at least one, e.g. [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }"]),

        Case("ndsl003", """
            [Network(Loss = Loss.BinaryCrossEntropy)]
            public partial class {|NDSL003:Net|}
            {
                [Dense(1, Activation.Sigmoid)] public partial Layer Output { get; }
            }
            """, ["Network 'Net' has Inputs = 0; set [Network(Inputs = n)] to the number of input features, at least 1"]),

        Case("ndsl004", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(0)] public partial Layer {|NDSL004:Output|} { get; }
            }
            """, ["Layer 'Output' has 0 units; a dense layer needs at least 1 unit"]),

        Case("ndsl005", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(3)] public partial Layer {|NDSL005:Hidden|} { get; set; }
                [Dense(1)] public partial int {|NDSL005:Output|} { get; }
            }
            """, ["Layer 'Hidden' must have a getter only; declare it as 'public partial Layer Hidden { get; }'",
                  "Layer 'Output' has type 'int'; declare it as 'public partial Layer Output { get; }'"]),

        Case("ndsl006", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1, (Activation)42)] public partial Layer {|NDSL006:Output|} { get; }
            }
            """, ["'42' on 'Output' is not a defined Activation value; use one of: " + string.Join(", ", Enum.GetNames<Activation>())]),

        Case("ndsl007", """
            [Network(Inputs = 100000)]
            public partial class {|NDSL007:Net|}
            {
                [Dense(100000)] public partial Layer Output { get; }
            }
            """, ["Network 'Net' would have 10000100000 parameters; at most 2147483647 fit in one buffer"]),

        Case("ndsl008", """
            [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
            public partial class Net
            {
                [Dense(2, Activation.Softmax)] public partial Layer {|NDSL008:Output|} { get; }
            }

            /// <summary>Another.</summary>
            [Network(Inputs = 2, Loss = Loss.CategoricalCrossEntropy)]
            public partial class Single
            {
                [Dense(1, Activation.Softmax)] public partial Layer {|NDSL008:Output|} { get; }
            }
            """, ["Binary cross-entropy needs a Sigmoid output, but output layer 'Output' has a Softmax output",
                  "Categorical cross-entropy needs a Softmax output with at least 2 units, but output layer 'Output' has a Softmax output with 1 unit"]),

        // A warning: the network is generated and the build succeeds (warnings not treated as errors here).
        Case("ndsl009", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(3, Activation.Softmax)] public partial Layer {|NDSL009:Output|} { get; }
            }
            """, ["Output layer 'Output' is a softmax trained with mean squared error; this works but learns slowly. Categorical cross-entropy is the usual loss for a softmax classifier."],
            treatWarningsAsErrors: false),

        // The analyzer reports it in the user's syntax tree, so #pragma reaches it, warnings as errors or not.
        Case("ndsl009-pragma", """
            [Network(Inputs = 2)]
            public partial class Net
            {
            #pragma warning disable NDSL009 // a softmax regression, on purpose
                [Dense(3, Activation.Softmax)] public partial Layer Output { get; }
            #pragma warning restore NDSL009
            }
            """, []),

        Case("ndsl010", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1)] public partial Layer Output { get; }
            }

            /// <summary>Not a network.</summary>
            public partial class Plain
            {
                [Dense(1)] public partial Layer {|NDSL010:Output|} { get; }
            }
            """, ["'Output' is marked [Dense], but 'Plain' has no [Network] attribute; add [Network(Inputs = n)] to 'Plain'"],
            program: UsesTheNetwork + "\nConsole.WriteLine(new Plain().Output.Name);"),

        Case("ndsl011", """
            [Network(Inputs = 2, Loss = Loss.BinaryCrossEntropy)]
            public partial class Net
            {
                [Dense(3, Activation.Sigmoid)] public partial Layer Hidden { get; }
            }

            public partial class Net
            {
                [Dense(1, Activation.Sigmoid)] public partial Layer {|NDSL011:Output|} { get; }
            }
            """, ["Layer 'Output' of network 'Net' is in a different partial declaration from layer 'Hidden'; declare all layers in one declaration so their order is defined"]),

        // The user's Predict stays; the program calls it.
        Case("ndsl012", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(1)] public partial Layer Output { get; }

                /// <summary>Mine.</summary>
                public float[] {|NDSL012:Predict|}(float[] x) => x;
            }
            """, ["'Predict' clashes with a member NetDsl generates on network 'Net'; rename it"]),

        Case("ndsl013", """
            [Network(Inputs = 2)]
            public partial record {|NDSL013:Net|}
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """, ["Network 'Net' is a record; a network must be a non-generic, non-static partial class"]),

        // A static class can hold no generated instance member: the compiler rejects the layer
        // (CS0708, CS9248), and the generator reports NDSL013.
        Case("ndsl013-static", """
            [Network(Inputs = 2)]
            public static partial class {|NDSL013:Net|}
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """, ["Network 'Net' is static; a network must be a non-generic, non-static partial class"],
            compilerErrors: ["CS0708", "CS9248"], program: "System.Console.WriteLine(typeof(Net));"),

        // Nested in a file-local class, which a generated file cannot reopen: the compiler rejects
        // the partial layer (CS9248), and the generator reports NDSL013.
        Case("ndsl013-file-local", """
            file partial class Outer
            {
                [Network(Inputs = 2)]
                public partial class {|NDSL013:Net|}
                {
                    [Dense(1)] public partial Layer Output { get; }
                }
            }
            """, ["Network 'Net' is nested in file-local class 'Outer'; a network must be a non-generic, non-static partial class"],
            compilerErrors: ["CS9248"], program: "System.Console.WriteLine(\"file-local\");"),

        Case("ndsl014", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(4)] public partial Layer Hidden { get; }
                [Dropout(1.0)] public partial Layer {|NDSL014:Drop|} { get; }
                [Dense(1)] public partial Layer Output { get; }
            }
            """, ["Dropout layer 'Drop' has rate 1; the rate must be in [0, 1)"]),

        Case("ndsl015", """
            [Network(Inputs = 2)]
            public partial class Net
            {
                [Dense(4)] public partial Layer Hidden { get; }
                [Dropout(0.2)] public partial Layer {|NDSL015:Drop|} { get; }
            }
            """, ["Dropout layer 'Drop' is the last layer; put it between dense layers so a dense layer produces the output"]),

        Case("ndsl016", """
            /// <summary>A base.</summary>
            public abstract class Model
            {
                /// <summary>Named.</summary>
                protected Model(string name) { }
            }

            /// <summary>A network.</summary>
            [Network(Inputs = 2)]
            public partial class {|NDSL016:Net|} : Model
            {
                [Dense(1)] public partial Layer Output { get; }
            }
            """, ["Network 'Net' derives from 'Model', which has no parameterless constructor it can call; the generated constructor Net(int seed) needs one"]),

        // The placeholder's Net(int seed) passes defaults to the primary constructor, so the program compiles.
        Case("ndsl017", """
            [Network(Inputs = 2)]
            public partial class {|NDSL017:Net|}(string name)
            {
                [Dense(1)] public partial Layer Output { get; }

                /// <summary>Its name.</summary>
                public string Name => name;
            }
            """, ["Network 'Net' has a primary constructor taking (string name), which the generated constructor Net(int seed) must call but has no arguments for; declare an ordinary constructor instead, e.g. public Net(string name) : this(seed: 0) { … }"]),

        // Several networks in several files, each with its errors, and one no code can join (not
        // partial, nor are its layers): the compiler has nothing to say, so the analyzer reports
        // it too, and the build goes on to compile the rest (Solid.Output needs its doc comment).
        new("several", [
            ("Net.cs", Header + """
                [Network(Inputs = 2)]
                public partial class Net
                {
                    [Dense(0)] public partial Layer {|NDSL004:Hidden|} { get; }
                    [Dense(1)] public partial Layer Output { get; }
                }
                """),
            ("Classifier.cs", Header + """
                [Network(Inputs = 4, Loss = Loss.BinaryCrossEntropy)]
                public partial class Classifier
                {
                    [Dense(3, Activation.Softmax)] public partial Layer {|NDSL008:Output|} { get; }
                }
                """),
            ("Dropper.cs", Header + """
                [Network(Inputs = -1)]
                public partial class {|NDSL003:Dropper|}
                {
                    [Dense(4)] public partial Layer Hidden { get; }
                    [Dropout(0.5)] public partial Layer {|NDSL015:Drop|} { get; }
                }
                """),
            ("Plain.cs", Header + """
                public partial class Plain
                {
                    [Dropout(0.5)] public partial Layer {|NDSL010:Drop|} { get; }
                }
                """),
            ("Solid.cs", Header + """
                [Network(Inputs = 2)]
                public class {|NDSL001:Solid|}
                {
                    /// <summary>The output.</summary>
                    [Dense(1)] public Layer {|NDSL005:Output|} { get; }
                }
                """),
            ("Program.cs", UsesTheNetwork + """

                new Classifier(2).Fit(new float[4], new float[3]);
                new Dropper(3).LossAndGradient(new float[4], new float[4], new float[20], dropoutSeed: 9);
                Console.WriteLine(new Plain().Drop.Name);
                Console.WriteLine(new Solid().Output.Name);
                """)],
            [
                "Layer 'Hidden' has 0 units; a dense layer needs at least 1 unit",
                "Binary cross-entropy needs a Sigmoid output, but output layer 'Output' has a Softmax output",
                "Network 'Dropper' has Inputs = -1; set [Network(Inputs = n)] to the number of input features, at least 1",
                "Dropout layer 'Drop' is the last layer; put it between dense layers so a dense layer produces the output",
                "'Drop' is marked [Dropout], but 'Plain' has no [Network] attribute; add [Network(Inputs = n)] to 'Plain'",
                "'Solid' must be declared partial so NetDsl can generate network 'Solid'",
                "Layer 'Output' is not partial; declare it as 'public partial Layer Output { get; }'",
            ], []),

        // What csc does: any compiler error in a declaration (here the non-partial network's partial
        // layer) stops the build before analyzers run, so Net's NDSL004 shows only once that is fixed.
        // The generator's NDSL001 shows all the same.
        new("declaration-error-hides-the-analyzer", [
            ("Net.cs", Header + """
                [Network(Inputs = 2)]
                public partial class Net
                {
                    [Dense(0)] public partial Layer Output { get; }
                }
                """),
            ("Solid.cs", Header + """
                [Network(Inputs = 2)]
                public class {|NDSL001:Solid|}
                {
                    [Dense(1)] public partial Layer Output { get; }
                }
                """),
            ("Program.cs", UsesTheNetwork)],
            ["'Solid' must be declared partial so NetDsl can generate network 'Solid'"],
            ["CS0751", "CS9248"]),
    ];
}
