using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Distributed;

namespace LearningBot.SearchQuality;

/// <summary>
/// A persistent <see cref="IDistributedCache"/> in one SQLite file (key → bytes, no expiry), so the tool can wrap the model in
/// Microsoft.Extensions.AI's <c>DistributedCachingEmbeddingGenerator</c> (<c>UseDistributedCache</c>): its keys are a hash of
/// the text (and options), and one file per model keeps models apart. A re-run with other fusion settings then embeds nothing.
/// Default place: <c>{temp}/learningbot-search-quality/embeddings-{model}.db</c>; <c>--no-cache</c> turns it off.
/// </summary>
public sealed class EmbeddingFileCache : IDistributedCache, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public EmbeddingFileCache(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        Path = path;
        // Pooling off: the file is closed when the tool ends, never shared with the store under test.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL)";
        create.ExecuteNonQuery();
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>Lookups answered from the file.</summary>
    public int Hits { get; private set; }

    /// <summary>Lookups the model had to compute.</summary>
    public int Misses { get; private set; }

    /// <summary>The default file for <paramref name="model"/> under the system temp folder.</summary>
    public static string DefaultPath(string model) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "learningbot-search-quality", $"embeddings-{model}.db");

    public byte[]? Get(string key)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT value FROM entries WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            var value = command.ExecuteScalar() as byte[];
            if (value is null)
            {
                Misses++;
            }
            else
            {
                Hits++;
            }

            return value;
        }
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO entries (key, value) VALUES ($key, $value)";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    public void Refresh(string key)
    {
        // No sliding expiry: entries are keyed by the text's hash and stay valid for the model they were made with.
    }

    public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

    public void Remove(string key)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM entries WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose() => _connection.Dispose();
}
