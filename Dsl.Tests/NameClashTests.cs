using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using Xunit;

namespace NetDsl.Tests;

/// <summary>
/// A console app imports a few namespaces implicitly (<c>ImplicitUsings</c>); with <c>using NetDsl;</c>
/// any NetDsl type that shares a simple name with a public type there is ambiguous (CS0104) the
/// moment the user writes it. None may.
/// </summary>
public sealed class NameClashTests
{
    /// <summary>The global usings the SDK writes for a <c>Microsoft.NET.Sdk</c> console app or library.</summary>
    private static readonly HashSet<string> ImplicitNamespaces =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    ];

    /// <summary>The assemblies whose public types a user reaches with <c>using NetDsl;</c> and <c>using NetDsl.Datasets;</c>.</summary>
    private static readonly Assembly[] NetDslAssemblies = [typeof(Layer).Assembly, typeof(NetDsl.Datasets.Dataset).Assembly];

    [Fact]
    public void No_public_NetDsl_type_shares_a_name_with_a_type_in_the_namespaces_a_console_app_imports_implicitly()
    {
        var framework = FrameworkTypesInImplicitNamespaces();
        Assert.Contains("System.Threading.Monitor", framework.GetValueOrDefault("Monitor") ?? []); // the scan sees what it must
        var clashes = NetDslAssemblies
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.DeclaringType is null && framework.ContainsKey(t.Name))
            .Select(t => $"{t.FullName} clashes with {string.Join(", ", framework[t.Name])}")
            .ToList();
        Assert.True(clashes.Count == 0, "CS0104 waiting to happen in a console app:\n" + string.Join("\n", clashes));
    }

    /// <summary>
    /// Public top-level types of the shared framework (every managed assembly next to System.Private.CoreLib)
    /// in the implicitly imported namespaces: simple name (with its generic arity, as <see cref="Type.Name"/>
    /// writes it) → full names. Read from metadata, so nothing is loaded.
    /// </summary>
    private static Dictionary<string, List<string>> FrameworkTypesInImplicitNamespaces()
    {
        var types = new Dictionary<string, List<string>>();
        foreach (string path in Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) continue; // a native library
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public) continue; // also skips nested types
                string ns = reader.GetString(type.Namespace);
                if (!ImplicitNamespaces.Contains(ns)) continue;
                string name = reader.GetString(type.Name);
                if (!types.TryGetValue(name, out var names)) types[name] = names = [];
                if (!names.Contains(ns + "." + name)) names.Add(ns + "." + name);
            }
        }
        return types;
    }
}
