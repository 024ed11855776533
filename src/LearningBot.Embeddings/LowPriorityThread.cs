using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace LearningBot.Embeddings;

/// <summary>
/// One dedicated thread at the lowest OS scheduling priority, running work items in order: the background embedder's model
/// calls run here, so under CPU contention the scheduler serves the chat path's thread-pool threads first. Linux: the thread's
/// nice value is set to 19 with <c>setpriority(PRIO_PROCESS, gettid(), 19)</c> (per-thread on Linux, see
/// https://man7.org/linux/man-pages/man2/setpriority.2.html, "BUGS"; lowering one's own priority needs no privilege);
/// Windows: <see cref="ThreadPriority.Lowest"/>. ONNX Runtime with <c>IntraOpNumThreads = 1</c> computes on the calling thread,
/// so the priority applies to the model's work (checked: this thread's CPU time is the process's CPU time of an embedding run).
/// </summary>
internal sealed partial class LowPriorityThread : IDisposable
{
    /// <summary>Linux's lowest priority (nice 19).</summary>
    public const int LowestNice = 19;

    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource<int?> _nice = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="name">The thread's name (Linux shows its first 15 characters in <c>/proc/PID/task/TID/comm</c>).</param>
    public LowPriorityThread(string name)
    {
        _thread = new Thread(Loop) { Name = name, IsBackground = true };
        if (OperatingSystem.IsWindows())
        {
            _thread.Priority = ThreadPriority.Lowest;
        }

        _thread.Start();
    }

    /// <summary>The thread's nice value once it has started (19 on Linux), or null where none was set (not Linux, or the call failed).</summary>
    public Task<int?> Nice => _nice.Task;

    /// <summary>
    /// Runs <paramref name="work"/> on the thread after the items queued before it. A token cancelled before it starts skips it
    /// (the task is cancelled); <paramref name="work"/> itself observes the token while it runs.
    /// </summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                result.TrySetResult(work());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        }

        try
        {
            _work.Add(Run, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(LowPriorityThread));
        }

        return result.Task;
    }

    private void Loop()
    {
        _nice.TrySetResult(Lower());
        foreach (var item in _work.GetConsumingEnumerable())
        {
            item();
        }
    }

    private static int? Lower()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return SetPriority(PrioProcess, GetTid(), LowestNice) == 0 ? GetPriority(PrioProcess, GetTid()) : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Lets the queued items finish, then ends the thread (waits up to 30 s: a model call observes its own token).</summary>
    public void Dispose()
    {
        _work.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(30));
        }
    }

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);
}
