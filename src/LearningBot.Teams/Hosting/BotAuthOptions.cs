using Microsoft.Extensions.Options;

namespace LearningBot.Teams.Hosting;

/// <summary>
/// The Azure Bot registration, bound from the top-level keys Bot Framework itself reads
/// (<c>MicrosoftAppId</c>, <c>MicrosoftAppPassword</c>, <c>MicrosoftAppTenantId</c>, <c>MicrosoftAppType</c>).
/// No app id means anonymous local mode (Bot Framework Emulator only).
/// </summary>
public sealed class BotAuthOptions
{
    public string? MicrosoftAppId { get; set; }

    public string? MicrosoftAppPassword { get; set; }

    public string? MicrosoftAppTenantId { get; set; }

    /// <summary><c>MultiTenant</c>, <c>SingleTenant</c> or <c>UserAssignedMSI</c>; empty means MultiTenant.</summary>
    public string? MicrosoftAppType { get; set; }

    public bool IsAnonymous => string.IsNullOrWhiteSpace(MicrosoftAppId);

    /// <summary>Never prints the password.</summary>
    public override string ToString() =>
        $"MicrosoftAppId={(IsAnonymous ? "(none: anonymous)" : MicrosoftAppId)}, MicrosoftAppType={MicrosoftAppType ?? "MultiTenant"}, " +
        $"MicrosoftAppTenantId={MicrosoftAppTenantId ?? "(none)"}, MicrosoftAppPassword={(string.IsNullOrEmpty(MicrosoftAppPassword) ? "(none)" : "***")}";
}

public sealed class BotAuthOptionsValidator : IValidateOptions<BotAuthOptions>
{
    private static readonly string[] AppTypes = ["MultiTenant", "SingleTenant", "UserAssignedMSI"];

    public ValidateOptionsResult Validate(string? name, BotAuthOptions options)
    {
        var failures = new List<string>();
        var type = string.IsNullOrWhiteSpace(options.MicrosoftAppType) ? "MultiTenant" : options.MicrosoftAppType;
        if (!AppTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"MicrosoftAppType is '{type}'; use one of {string.Join(", ", AppTypes)}.");
        }

        if (options.IsAnonymous)
        {
            if (!string.IsNullOrEmpty(options.MicrosoftAppPassword))
            {
                failures.Add("MicrosoftAppPassword is set but MicrosoftAppId is not: set both (or neither for anonymous local mode).");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        if (!Guid.TryParse(options.MicrosoftAppId, out _))
        {
            failures.Add("MicrosoftAppId must be the bot's Microsoft Entra application (client) id, a GUID.");
        }

        if (!type.Equals("UserAssignedMSI", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(options.MicrosoftAppPassword))
        {
            failures.Add("MicrosoftAppId is set, so MicrosoftAppPassword (the client secret) is required.");
        }

        if (!type.Equals("MultiTenant", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
        {
            failures.Add($"MicrosoftAppType {type} needs MicrosoftAppTenantId (the tenant the bot is registered in).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
