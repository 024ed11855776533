using System.Reflection;
using System.Runtime.InteropServices;

namespace LearningBot.Embeddings;

/// <summary>
/// Gives back the memory a packaged model only needs while it loads, and the native heap ONNX Runtime frees between calls.
/// Measured with all-MiniLM-L6-v2 (docs/performance.md, "Where the model's memory goes"): loading leaves ~86 MB of the DLL's
/// embedded <c>model.onnx</c> resident (the pages read to copy it), a 90 MB managed copy (collectable) and ~90 MB of ONNX
/// Runtime's parsed protobuf that glibc keeps in its heap after ORT frees it; only the ~90 MB of weights are needed afterwards.
/// Linux (glibc) only; elsewhere, or on a libc without these calls, it does nothing.
/// </summary>
internal static partial class ModelMemory
{
    /// <summary><c>MADV_PAGEOUT</c> (Linux 5.4+): reclaim the pages, keeping their contents (file-backed ones are re-read on use).</summary>
    private const int MadvPageout = 21;

    private const int PageSize = 4096;

    /// <summary>
    /// After the model's session is built: drops the resident pages of <paramref name="modelAssembly"/>'s embedded resources
    /// (never read again), collects the managed copy of the model and trims the native heap. Returns the bytes of resource
    /// pages advised away (0 when not on Linux). Contents stay valid: <c>MADV_PAGEOUT</c> never discards data, so a later
    /// load of the same model reads the pages from the file again.
    /// </summary>
    public static long ReleaseLoadCopies(Assembly modelAssembly)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long advised = 0;
        foreach (var name in modelAssembly.GetManifestResourceNames())
        {
            using var stream = modelAssembly.GetManifestResourceStream(name) as UnmanagedMemoryStream;
            if (stream is null || stream.Length < PageSize * 2)
            {
                continue;
            }

            nint start, end;
            unsafe
            {
                var first = (nint)stream.PositionPointer;
                // Only whole pages inside the resource: its neighbours in the image may still be in use.
                start = (first + PageSize - 1) & ~(nint)(PageSize - 1);
                end = (first + (nint)stream.Length) & ~(nint)(PageSize - 1);
            }

            if (end > start && Madvise(start, (nuint)(end - start), MadvPageout) == 0)
            {
                advised += end - start;
            }
        }

        // The package hands ONNX Runtime a byte[] of the whole model (~90 MB on the large object heap): collect it now rather
        // than at the next gen-2 collection, and decommit its memory (Aggressive: server GC otherwise keeps the freed region), then
        // return what ORT freed after building the session.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        return advised;
    }

    /// <summary>
    /// <c>malloc_trim(0)</c>: returns freed native heap pages (ONNX Runtime's per-call buffers: the CPU arena is off) to the OS.
    /// A few milliseconds; callers do it after a drain, not per call. Returns false where it is unavailable.
    /// </summary>
    public static bool TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // e.g. musl (Alpine) has no malloc_trim
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
