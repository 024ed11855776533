namespace LearningBot.Core.Diagnostics;

/// <summary>
/// Whether the host is serving chat right now: requests in flight and when the last one ended. The web host counts every
/// HTTP request through it (<c>UseChatActivity</c>); background work that only uses spare CPU (the embedder,
/// docs/search.md "Background embedding cost") waits for <see cref="WaitForQuietAsync"/> before each piece of work, so it
/// runs in the gaps between requests instead of beside them. Thread-safe and allocation-free per request.
/// </summary>
public sealed class ChatActivity(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _inFlight;
    private long _lastEnded;
    private long _requests;

    /// <summary>Requests being served now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests counted since start-up (for tests and diagnostics).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Marks one request in flight until the returned scope is disposed (once).</summary>
    public Scope Enter()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _inFlight);
        return new Scope(this);
    }

    /// <summary>True when no request is in flight and none ended within <paramref name="quietFor"/>.</summary>
    public bool IsQuiet(TimeSpan quietFor) =>
        InFlight == 0 && (Interlocked.Read(ref _lastEnded) is var ended && (ended == 0 || _time.GetElapsedTime(ended) >= quietFor));

    /// <summary>
    /// Waits until <see cref="IsQuiet"/> holds for <paramref name="quietFor"/>, checking every <paramref name="quietFor"/>
    /// (at least 1 ms), or until <paramref name="maxWait"/> has passed. Returns true when it became quiet, false when it gave up.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> WaitForQuietAsync(TimeSpan quietFor, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var step = quietFor < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : quietFor;
        while (!IsQuiet(quietFor))
        {
            if (_time.GetElapsedTime(started) >= maxWait)
            {
                return false;
            }

            await Task.Delay(step, _time, cancellationToken);
        }

        return true;
    }

    private void Exit()
    {
        Interlocked.Exchange(ref _lastEnded, _time.GetTimestamp());
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>One request in flight; disposing it ends the request.</summary>
    public struct Scope(ChatActivity owner) : IDisposable
    {
        private ChatActivity? _owner = owner;

        public void Dispose()
        {
            _owner?.Exit();
            _owner = null;
        }
    }
}
