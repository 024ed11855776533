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

        StorageOptions options;
        try
        {
            options = section.Get<StorageOptions>() ?? new StorageOptions();
        }
        catch (InvalidOperationException ex)
        {
            // e.g. Storage:Cosmos:ConnectionMode=Tcp: the binder's message names the key; add the valid values.
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions),
            [
                $"{ex.Message} {ex.InnerException?.Message} Valid values: Storage:Cosmos:ConnectionMode is Direct or Gateway; " +
                "Storage:Cosmos:Search is FullText or Contains; Storage:Cosmos:LimitToEndpoint is true or false; " +
                "Storage:Cosmos:DeliveryRecordTtl is a time span such as 7.00:00:00.",
            ]);
        }

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
        builder.Services.AddHostedService<SearchWarmup>();
    }
}
