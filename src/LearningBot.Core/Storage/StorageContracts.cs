namespace LearningBot.Core.Storage;

/// <summary>The outcome of an idempotent write: the stored record, and whether this call created it.</summary>
/// <param name="Value">The record as stored: on a redelivery, the one stored the first time.</param>
/// <param name="Created">False when a record with the same idempotency key already existed.</param>
public sealed record WriteResult<T>(T Value, bool Created);

/// <summary>A read-modify-write lost a race (the record's version/ETag changed); reread and retry.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

public sealed record StorageHealth(bool IsHealthy, string Description);

public interface IStorageHealth
{
    Task<StorageHealth> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Creates or migrates the store's schema; the host runs every initializer once before serving requests.</summary>
public interface IStorageInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}
