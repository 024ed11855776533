using LearningBot.Core.Conversations;
using LearningBot.Teams.Conversations;
using LearningBot.Teams.MessageExtensions;
using LearningBot.Teams.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LearningBot.Teams.Hosting;

public static class TeamsRegistration
{
    /// <summary>
    /// Registers the Teams bot. Without <c>MicrosoftAppId</c> the endpoint runs anonymously (Bot Framework
    /// Emulator on a developer machine); with it, every request's JWT is validated by Bot Framework.
    /// </summary>
    public static WebApplicationBuilder AddTeams(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BotAuthOptions>().Bind(builder.Configuration).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotAuthOptions>, BotAuthOptionsValidator>();
        services.AddOptions<TeamsOptions>().Bind(builder.Configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidator>();
        services.AddHttpClient();

        // Replaceable so tests can hand out tokens without Microsoft Entra (no internet here); inbound
        // validation does not depend on it beyond "is this our app id".
        services.TryAddSingleton<ServiceClientCredentialsFactory>(sp =>
            new ConfigurationServiceClientCredentialFactory(sp.GetRequiredService<IConfiguration>(),
                logger: sp.GetRequiredService<ILogger<ConfigurationServiceClientCredentialFactory>>()));
        services.AddSingleton<BotFrameworkAuthentication>(sp =>
        {
            // Fails start-up with the validator's message instead of a Bot Framework stack trace.
            _ = sp.GetRequiredService<IOptions<BotAuthOptions>>().Value;
            // Connector clients kept per service URL, the user-token client made only when used (SharedConnectorClients).
            return new SharedConnectorClients(new ConfigurationBotFrameworkAuthentication(sp.GetRequiredService<IConfiguration>(),
                sp.GetRequiredService<ServiceClientCredentialsFactory>(), httpClientFactory: sp.GetRequiredService<IHttpClientFactory>(),
                logger: sp.GetRequiredService<ILogger<ConfigurationBotFrameworkAuthentication>>()));
        });
        // CloudAdapter's constructors are ambiguous to the container, so it is built by hand.
        services.AddSingleton(sp => new TeamsAdapter(sp.GetRequiredService<BotFrameworkAuthentication>(),
            sp.GetRequiredService<ILogger<TeamsAdapter>>()));
        services.AddSingleton<IBotFrameworkHttpAdapter>(sp => sp.GetRequiredService<TeamsAdapter>());
        services.AddSingleton<TeamsBot>();
        services.AddSingleton<InboundActivityGuard>();
        services.AddSingleton<SigningKeyOutage>();
        services.AddSingleton<TeamsConversations>();
        services.AddSingleton<MessageExtensionHandler>();
        services.AddSingleton<TeamsProactiveMessenger>();
        services.AddSingleton<IProactiveMessenger>(sp => sp.GetRequiredService<TeamsProactiveMessenger>());
        return builder;
    }

    /// <summary>
    /// With an app id, a POST to <c>/api/messages</c> without an <c>Authorization: Bearer …</c> header gets 401 before its body
    /// is read (put it before the chat concurrency limit): the Bot Connector sends a bearer token on every request
    /// (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication), so a request
    /// without one is not from Teams and must not occupy capacity. Bot Framework still validates the token itself later.
    /// </summary>
    public static IApplicationBuilder UseTeamsBearerRequired(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<BotAuthOptions>>().Value.IsAnonymous)
        {
            return app;
        }

        return app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals("/api/messages", StringComparison.OrdinalIgnoreCase)
                && !HasBearerToken(http.Request.Headers.Authorization.ToString()))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await Results.Problem(title: "Authentication required", detail: "A Bot Framework bearer token is required.",
                    statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(http);
                return;
            }

            await next(http);
        });
    }

    private static bool HasBearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.AsSpan(7).Trim().Length > 0;

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        var auth = app.ServiceProvider.GetRequiredService<IOptions<BotAuthOptions>>().Value;
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TeamsRegistration).FullName!);
        if (auth.IsAnonymous)
        {
            // Anonymous mode accepts any caller and any serviceUrl: fine for the Emulator on a laptop, never on a server.
            var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
            var options = app.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
            if (environment.IsProduction() && !options.AllowAnonymousInProduction)
            {
                logger.LogWarning("Teams is off: no MicrosoftAppId is configured, and /api/messages is not served anonymously in Production.");
                return app;
            }

            logger.LogWarning("Teams endpoint /api/messages runs WITHOUT authentication (no MicrosoftAppId): for the Bot Framework Emulator only.");
        }
        else
        {
            logger.LogInformation("Teams endpoint /api/messages validates Bot Framework tokens ({Options}).", auth);
        }

        app.MapPost("/api/messages", ProcessAsync).DisableAntiforgery();
        return app;
    }

    private static async Task ProcessAsync(HttpRequest request, HttpResponse response, IBotFrameworkHttpAdapter adapter, TeamsBot bot,
        SigningKeyOutage signingKeys, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TeamsRegistration).FullName!);
        try
        {
            await adapter.ProcessAsync(request, response, bot, cancellationToken);
            if (response.StatusCode is >= 200 and < 300)
            {
                // A turn ran, so the token was validated (or auth is off): the keys are there.
                signingKeys.Succeeded();
            }
        }
        catch (ActivityRefusedException ex) when (!response.HasStarted)
        {
            // Authenticated, but not an activity this bot acts on (another channel or tenant): refused before any handler ran.
            signingKeys.Succeeded();
            logger.LogWarning("Refused a Teams activity with {Status}: {Reason}", ex.StatusCode, ex.Reason);
            await Results.Problem(detail: ex.Reason, statusCode: ex.StatusCode).ExecuteAsync(request.HttpContext);
        }
        catch (Exception ex) when (SigningKeyOutage.IsCause(ex) && !response.HasStarted)
        {
            // The keys to check the token could not be fetched: not the caller's fault, and retrying later may work.
            signingKeys.Failed(ex);
            response.Headers.RetryAfter = ((int)SigningKeyOutage.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Results.Problem(detail: "The Bot Framework signing keys cannot be fetched right now; retry later.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(request.HttpContext);
        }
        catch (SecurityTokenException ex) when (!response.HasStarted)
        {
            // CloudAdapter turns most token problems into 401 itself, but lets a bad or missing signature escape
            // as an exception (a 500). A forged token is the caller's fault: answer 401, the bot never ran.
            logger.LogWarning("Rejected a Teams request: {Reason}", ex.GetType().Name);
            response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException && !response.HasStarted)
        {
            // Turn errors are handled by the adapter's OnTurnError, so what escapes here is the adapter failing on the
            // activity itself before any turn ran (e.g. no or a malformed serviceUrl, which it needs to build a client).
            logger.LogWarning("Rejected a malformed Teams activity: {Reason}", ex.GetType().Name);
            response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
