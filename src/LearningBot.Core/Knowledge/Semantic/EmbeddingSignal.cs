namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// Wakes the background embedder when a store has written a searchable document, so the document is semantically
/// searchable within about a second instead of at the next poll. Only a hint: the pending list in <see cref="IEmbeddingStore"/>
/// is the durable record, so a lost signal (or a crash) delays a document, never drops it.
/// </summary>
public sealed class EmbeddingSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    /// <summary>Called by stores after committing a new or changed searchable document. Cheap and never blocks.</summary>
    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // already signalled: one wake-up covers every write before it
        }
    }

    /// <summary>Waits until <see cref="Notify"/> is called or <paramref name="timeout"/> passes.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
