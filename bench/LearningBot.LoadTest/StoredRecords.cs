using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Data.Sqlite;

namespace LearningBot.LoadTest;

/// <summary>
/// Reads what the host stored straight from its storage (not through the host): the learnings and kudos
/// whose text carries a load sequence number, as a count per number.
/// </summary>
public interface IStoredRecords
{
    Task<IReadOnlyDictionary<long, int>> CountBySeqAsync(CancellationToken cancellationToken);
}

/// <summary>The host's SQLite file, opened read-only alongside it (WAL lets a reader in while it writes).</summary>
/// <param name="query">Returns the stored texts: LearningBot's learnings and kudos reasons by default; the Bolt peer's commands.</param>
public sealed class SqliteStoredRecords(string databasePath, string query = SqliteStoredRecords.LearningBotTexts) : IStoredRecords
{
    public const string LearningBotTexts = "SELECT text FROM learnings UNION ALL SELECT reason FROM kudos_gifts";

    public const string BoltTexts = "SELECT text FROM commands";

    public async Task<IReadOnlyDictionary<long, int>> CountBySeqAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<long, int>();
        if (!File.Exists(databasePath))
        {
            return counts;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = query;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (CommandMix.SeqOf(reader.GetString(0)) is { } seq)
            {
                counts[seq] = counts.GetValueOrDefault(seq) + 1;
            }
        }

        return counts;
    }
}

/// <summary>
/// The step's own Cosmos database (a fresh one per step), read with the Cosmos SDK the way the tests reach the
/// local server: gateway mode, limited to the endpoint, the emulator's well-known key (any base64 key works).
/// </summary>
public sealed class CosmosStoredRecords(CosmosClient client, string database) : IStoredRecords
{
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU9DE2nW6mMr9uz9t5nAwb7k3dzHt+5MjY+x3p43+qq6ySyMg==";

    public static CosmosClient CreateClient(string endpoint) => new(endpoint, EmulatorKey, new CosmosClientOptions
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
    });

    public async Task<IReadOnlyDictionary<long, int>> CountBySeqAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<long, int>();
        var container = client.GetContainer(database, "teams");
        // One query per partition and document type: the local server rejects OR across types ("missing partition keys").
        foreach (var teamId in new[] { CommandMix.SlackTeam, "msteams:" + CommandMix.TeamsTenant })
        {
            foreach (var (type, field) in new[] { ("learning", "text"), ("kudos", "reason") })
            {
                var query = new QueryDefinition($"SELECT VALUE c.{field} FROM c WHERE c.teamId = @teamId AND c.type = @type")
                    .WithParameter("@teamId", teamId)
                    .WithParameter("@type", type);
                try
                {
                    using var iterator = container.GetItemQueryIterator<string>(query,
                        requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(teamId) });
                    while (iterator.HasMoreResults)
                    {
                        foreach (var text in await iterator.ReadNextAsync(cancellationToken))
                        {
                            if (CommandMix.SeqOf(text) is { } seq)
                            {
                                counts[seq] = counts.GetValueOrDefault(seq) + 1;
                            }
                        }
                    }
                }
                catch (CosmosException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // Nothing created yet.
                }
            }
        }

        return counts;
    }

    public Task DeleteDatabaseAsync(CancellationToken cancellationToken) =>
        client.GetDatabase(database).DeleteAsync(cancellationToken: cancellationToken);
}
