namespace LearningBot.Storage.Cosmos;

public enum CosmosConnectionMode { Direct, Gateway }

/// <summary>How <c>ISearchIndex</c> queries Cosmos.</summary>
public enum CosmosSearchMode
{
    /// <summary>Cosmos DB full-text search (BM25 ranking, stemming): the production mode.</summary>
    FullText,

    /// <summary>
    /// <c>CONTAINS</c> over the team's partition with ranking done in the app. For accounts or emulators
    /// without full-text search; correct but scans the team's searchable records, so it does not scale.
    /// </summary>
    Contains,
}

/// <summary>Bound from <c>Storage:Cosmos</c> (<c>Storage__Cosmos__Endpoint</c>, ...).</summary>
public sealed class CosmosStorageOptions
{
    public string? Endpoint { get; set; }

    /// <summary>The account key; when empty the app signs in with Azure AD (DefaultAzureCredential).</summary>
    public string? Key { get; set; }

    public string Database { get; set; } = "learningbot";

    public CosmosConnectionMode ConnectionMode { get; set; } = CosmosConnectionMode.Direct;

    /// <summary>Only for emulators: talk to the endpoint itself, never to the regional endpoints it advertises.</summary>
    public bool LimitToEndpoint { get; set; }

    public CosmosSearchMode Search { get; set; } = CosmosSearchMode.FullText;

    /// <summary>When set, delivery (idempotency) records expire after this long; nothing else ever expires.</summary>
    public TimeSpan? DeliveryRecordTtl { get; set; }

    /// <summary>
    /// Shared database throughput (RU/s) to create a new database with on a provisioned-throughput account;
    /// leave empty on serverless accounts (and to let each container get the account's default).
    /// </summary>
    public int? DatabaseThroughput { get; set; }

    /// <summary>Every problem with these settings, in words an operator can act on; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            problems.Add("Storage:Cosmos:Endpoint is required when Storage:Provider is Cosmos (e.g. https://myaccount.documents.azure.com:443/).");
        }
        else if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add($"Storage:Cosmos:Endpoint '{Endpoint}' is not an absolute http(s) URL.");
        }

        if (!string.IsNullOrEmpty(Key) && !IsBase64(Key))
        {
            problems.Add("Storage:Cosmos:Key is not a base64 account key (copy the primary or secondary key of the account).");
        }

        if (string.IsNullOrWhiteSpace(Database) || Database.Length > 255 || Database.IndexOfAny(['/', '\\', '?', '#']) >= 0 || Database.EndsWith(' '))
        {
            problems.Add($"Storage:Cosmos:Database '{Database}' is not a valid database name (1–255 characters, no / \\ ? #).");
        }

        if (DeliveryRecordTtl is { } ttl && (ttl < TimeSpan.FromMinutes(1) || ttl.TotalSeconds > int.MaxValue))
        {
            problems.Add($"Storage:Cosmos:DeliveryRecordTtl '{ttl}' must be at least one minute (platforms redeliver for minutes, not seconds).");
        }

        if (DatabaseThroughput is { } ru && (ru < 400 || ru % 100 != 0))
        {
            problems.Add($"Storage:Cosmos:DatabaseThroughput {ru} must be at least 400 RU/s and a multiple of 100 (leave it empty on serverless).");
        }

        return problems;
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    // The key must never reach a log line.
    public override string ToString() =>
        $"Cosmos(Endpoint={Endpoint}, Database={Database}, ConnectionMode={ConnectionMode}, LimitToEndpoint={LimitToEndpoint}, " +
        $"Key={(string.IsNullOrEmpty(Key) ? "(none: Azure AD)" : "***")}, Search={Search})";
}
