using Microsoft.Extensions.Options;

namespace LearningBot.Teams.Hosting;

/// <summary>Bound from the <c>Teams</c> section (<c>Teams__AdminUserIds__0</c>, <c>Teams__Proactive__MaxAttempts</c>).</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>The channel accepted when <see cref="AllowedChannels"/> is not configured.</summary>
    public const string DefaultChannel = "msteams";

    /// <summary>
    /// Entra object ids (GUIDs, compared with the sender's <c>from.aadObjectId</c>) of the people who may change settings,
    /// prompts and team exports from Teams. Teams does not tell a bot who administers a tenant, so this is configured
    /// explicitly; empty means nobody can. Never Teams user ids (<c>29:…</c>): those are per bot and come from the caller.
    /// </summary>
    public string[] AdminUserIds { get; set; } = [];

    /// <summary>
    /// Bot Framework channel ids (<c>activity.channelId</c>) this endpoint accepts; empty means only <c>msteams</c>.
    /// Bot Framework's signing keys are shared by all channels of a bot registration, so a valid token alone does not
    /// make an activity a Teams one. Values must be channel ids Bot Framework defines
    /// (<see href="https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference">Bot Connector API</see>).
    /// </summary>
    public string[] AllowedChannels { get; set; } = [];

    /// <summary>The channels actually accepted: <see cref="AllowedChannels"/>, or <c>msteams</c> when none is configured.</summary>
    public IReadOnlySet<string> AcceptedChannels =>
        new HashSet<string>(AllowedChannels.Length == 0 ? [DefaultChannel] : AllowedChannels, StringComparer.OrdinalIgnoreCase);

    public ProactiveOptions Proactive { get; set; } = new();

    /// <summary>Serve /api/messages without authentication in Production when no MicrosoftAppId is set (default: no).</summary>
    public bool AllowAnonymousInProduction { get; set; }
}

public sealed class ProactiveOptions
{
    /// <summary>Attempts per message when Teams throttles (429) or fails (5xx); the first send counts.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay, doubled each time, unless Teams sends Retry-After.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait, whatever Retry-After says.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    /// <summary>Every channel id Bot Framework defines (the constants of <see cref="Microsoft.Bot.Connector.Channels"/>).</summary>
    private static readonly HashSet<string> KnownChannels = typeof(Microsoft.Bot.Connector.Channels)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        var failures = new List<string>();
        if (options.Proactive.MaxAttempts is < 1 or > 10)
        {
            failures.Add($"Teams:Proactive:MaxAttempts is {options.Proactive.MaxAttempts}; use 1–10.");
        }

        if (options.Proactive.BaseDelay < TimeSpan.Zero || options.Proactive.MaxDelay < options.Proactive.BaseDelay)
        {
            failures.Add("Teams:Proactive:BaseDelay must be ≥ 0 and no more than Teams:Proactive:MaxDelay.");
        }

        if (options.AdminUserIds.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("Teams:AdminUserIds contains an empty entry.");
        }
        else if (options.AdminUserIds.FirstOrDefault(id => !Guid.TryParse(id, out _)) is { } notObjectId)
        {
            failures.Add($"Teams:AdminUserIds contains '{notObjectId}', which is not an Entra object id (a GUID, the user's aadObjectId); " +
                         "Teams user ids (29:…) are not accepted.");
        }

        if (options.AllowedChannels.FirstOrDefault(c => !KnownChannels.Contains(c ?? string.Empty)) is { } unknown)
        {
            failures.Add($"Teams:AllowedChannels contains '{unknown}', which is not a Bot Framework channel id; use e.g. " +
                         $"{TeamsOptions.DefaultChannel} (known: {string.Join(", ", KnownChannels.Order(StringComparer.Ordinal))}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
