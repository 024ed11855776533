using Microsoft.Extensions.Options;

namespace LearningBot.Teams.Hosting;

/// <summary>Bound from the <c>Teams</c> section (<c>Teams__AdminUserIds__0</c>, <c>Teams__Proactive__MaxAttempts</c>).</summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    /// <summary>
    /// Entra object ids of the people who may change settings from Teams. Teams does not tell a bot who
    /// administers a tenant, so this is configured explicitly; empty means nobody can change settings from Teams.
    /// </summary>
    public string[] AdminUserIds { get; set; } = [];

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
