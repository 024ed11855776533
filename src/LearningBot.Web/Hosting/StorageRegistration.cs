using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace LearningBot.Web.Hosting;

public static class StorageRegistration
{
    /// <summary>
    /// Validates the Storage options now (the engine's services depend on them, so this cannot wait
    /// for the first request) and registers the chosen engine.
    /// </summary>
    public static void AddConfiguredStorage(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(StorageOptions.Section);
        builder.Services.AddOptions<StorageOptions>().Bind(section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        var options = section.Get<StorageOptions>() ?? new StorageOptions();
        var result = new StorageOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), result.Failures);
        }

        if (string.Equals(options.Provider, StorageProviders.Cosmos, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddCosmosStorage(options.Cosmos);
            return;
        }

        var path = string.IsNullOrWhiteSpace(options.Sqlite.Path)
            ? Path.Combine(builder.Environment.ContentRootPath, "App_Data", "learningbot.db")
            : Path.GetFullPath(options.Sqlite.Path, builder.Environment.ContentRootPath);
        builder.Services.AddSqliteStorage(path);
    }
}
