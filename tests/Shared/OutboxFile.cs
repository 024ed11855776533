using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace LearningBot.TestSupport;

/// <summary>One row of the persisted outbox, read straight from the SQLite file.</summary>
public sealed record OutboxRow(string State, int Attempts, string? PlatformMessageId);

/// <summary>
/// Reads the outbox of a host's SQLite file the way an operator would, so outage tests see what is really stored.
/// Linked into the Slack and Teams test projects (tests/Shared).
/// </summary>
public static class OutboxFile
{
    /// <summary>Polls for the prompt's outbox row matching <paramref name="condition"/> (SQL over the outbox columns), up to 45 s.</summary>
    public static async Task<OutboxRow> WaitForPromptRowAsync(string databasePath, string condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT state, attempts, platform_message_id FROM outbox WHERE purpose = 'PromptPost' AND {condition}";
                await using var reader = await command.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                {
                    return new OutboxRow(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                }
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(45))
            {
                Assert.Fail($"No prompt outbox row with {condition} after 45 s");
            }

            await Task.Delay(100);
        }
    }
}
