namespace NetDsl.Tests.Infrastructure;

/// <summary>What <c>dotnet new console</c> imports (ImplicitUsings for Microsoft.NET.Sdk), for code checked as a user's project sees it.</summary>
internal static class ImplicitUsings
{
    public const string ConsoleApp = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;
}
