using LearningBot.Storage.Cosmos;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Hosting;

/// <summary>Bound from the <c>Storage</c> section (<c>Storage__Provider</c>, <c>Storage__Sqlite__Path</c>, <c>Storage__Cosmos__*</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Sqlite</c> (the default, one machine) or <c>Cosmos</c> (several instances, one Cosmos DB account).</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    public SqliteStorageOptions Sqlite { get; set; } = new();

    /// <summary>Used when <see cref="Provider"/> is <c>Cosmos</c>; see docs/storage.md.</summary>
    public CosmosStorageOptions Cosmos { get; set; } = new();
}

public sealed class SqliteStorageOptions
{
    /// <summary>The database file; empty means <c>App_Data/learningbot.db</c> under the app's content root.</summary>
    public string? Path { get; set; }
}

public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
    public const string Cosmos = "Cosmos";

    public static readonly IReadOnlyList<string> Supported = [Sqlite, Cosmos];
}

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!StorageProviders.Supported.Contains(options.Provider, StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"Storage:Provider is '{options.Provider}', but this build supports: {string.Join(", ", StorageProviders.Supported)}. " +
                "Set Storage__Provider to one of them (or leave it unset for Sqlite).");
        }

        if (options.Sqlite.Path is { Length: > 0 } path && path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            return ValidateOptionsResult.Fail($"Storage:Sqlite:Path '{path}' is not a valid file path.");
        }

        if (string.Equals(options.Provider, StorageProviders.Cosmos, StringComparison.OrdinalIgnoreCase))
        {
            var problems = options.Cosmos.Validate();
            if (problems.Count > 0)
            {
                return ValidateOptionsResult.Fail(problems);
            }
        }

        return ValidateOptionsResult.Success;
    }
}
