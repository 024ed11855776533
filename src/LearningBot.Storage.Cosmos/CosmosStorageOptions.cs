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
    /// The container of team data (default <c>teams</c>). Changing it is the cut-over step of a migration to a new
    /// container (docs/storage.md, "Migrating the teams container"): vector policies cannot be added to an existing one.
    /// </summary>
    public string TeamsContainer { get; set; } = "teams";

    /// <summary>
    /// Provisioned-throughput accounts only: each container the app creates gets its own autoscale throughput, the teams
    /// container up to this many RU/s (at least 1,000, a multiple of 1,000; it scales down to a tenth), the deliveries and
    /// proactive containers up to 1,000. Empty (default): no throughput is set, as serverless accounts need.
    /// </summary>
    public int? AutoscaleMaxThroughput { get; set; }

    /// <summary>
    /// Retired: shared database throughput. Vector search is not supported on containers that share database throughput
    /// (https://learn.microsoft.com/azure/cosmos-db/vector-search), so a value here stops start-up with a message pointing at
    /// <see cref="AutoscaleMaxThroughput"/>. Kept only so that an old setting is refused rather than silently ignored.
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

        if (DatabaseThroughput is not null)
        {
            problems.Add("Storage:Cosmos:DatabaseThroughput is no longer supported: containers that share database throughput cannot use vector search. " +
                         "Remove it and set Storage:Cosmos:AutoscaleMaxThroughput (each container its own autoscale RU/s; provisioned accounts only). " +
                         "A database created with shared throughput keeps it: see docs/storage.md, \"Migrating the teams container\".");
        }

        if (AutoscaleMaxThroughput is { } max && (max < 1000 || max % 1000 != 0))
        {
            problems.Add($"Storage:Cosmos:AutoscaleMaxThroughput {max} must be at least 1000 RU/s and a multiple of 1000 (leave it empty on serverless).");
        }

        if (string.IsNullOrWhiteSpace(TeamsContainer) || TeamsContainer.Length > 255 || TeamsContainer.IndexOfAny(['/', '\\', '?', '#']) >= 0
            || TeamsContainer.EndsWith(' ') || TeamsContainer is "deliveries" or "proactive")
        {
            problems.Add($"Storage:Cosmos:TeamsContainer '{TeamsContainer}' is not a valid container name (1–255 characters, no / \\ ? #, not deliveries or proactive).");
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
        $"Key={(string.IsNullOrEmpty(Key) ? "(none: Azure AD)" : "***")}, Search={Search}, TeamsContainer={TeamsContainer}, " +
        $"AutoscaleMaxThroughput={(AutoscaleMaxThroughput is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(none)")})";
}
