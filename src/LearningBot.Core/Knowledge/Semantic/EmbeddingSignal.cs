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
    /// <remarks>
    /// Already signalled (the usual case while the embedder is busy, and always with <c>Search:Embeddings:Provider=None</c>,
    /// where nothing waits): one wake-up covers every write before it, so nothing is done. Checked first because releasing a
    /// full semaphore throws, and an exception thrown and caught on every write was a measurable share of a chat request's
    /// CPU (issue 18, docs/performance.md); the catch stays for two writers racing past the check.
    /// </remarks>
    public void Notify()
    {
        if (_pending.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // another write signalled between the check and here: one wake-up covers both
        }
    }

    /// <summary>Waits until <see cref="Notify"/> is called or <paramref name="timeout"/> passes.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
