using System.Runtime.CompilerServices;

namespace LearningBot.TestSupport;

/// <summary>
/// Test hosts (in memory and the web processes they start) run with <c>Search__Embeddings__Provider=None</c> unless a test sets
/// <c>Search:Embeddings:Provider</c> itself: loading the embedding model costs about a second and 100 MB per host, and only the
/// tests whose point is semantic search need it.
/// </summary>
internal static class LexicalSearchByDefault
{
    // CA2255 warns libraries off module initialisers; a test assembly's hosts are exactly what this one is for.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("Search__Embeddings__Provider") is null)
        {
            Environment.SetEnvironmentVariable("Search__Embeddings__Provider", "None");
        }
    }
}
