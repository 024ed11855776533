using LearningBot.Core.Conversations;
using LearningBot.Core.Diagnostics;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Api;
using LearningBot.Slack.Inbound;
using LearningBot.Slack.SocketMode;
using LearningBot.Slack.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace LearningBot.Slack.Hosting;

public static class SlackHosting
{
    /// <summary>
    /// Registers the Slack app when the <c>Slack</c> section configures it; otherwise does nothing, so the host
    /// runs without Slack. Invalid settings (e.g. a token but no signing secret, an app token that is not <c>xapp-…</c>) stop
    /// start-up with a clear message. With <see cref="SlackOptions.AppToken"/> Slack is received over Socket Mode.
    /// </summary>
    public static WebApplicationBuilder AddSlack(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SlackOptions.Section);
        var options = section.Get<SlackOptions>() ?? new SlackOptions();
        if (!options.IsConfigured)
        {
            return builder;
        }

        var publicBaseUrl = builder.Configuration["Dashboard:PublicBaseUrl"];
        UsePublicBaseUrl(options, publicBaseUrl);
        var validator = new SlackOptionsValidator(builder.Environment.IsProduction());
        var validation = validator.Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(SlackOptions.Section, typeof(SlackOptions), validation.Failures);
        }

        var services = builder.Services;
        services.AddOptions<SlackOptions>().Bind(section).PostConfigure(o => UsePublicBaseUrl(o, publicBaseUrl)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>>(validator);
        services.AddSingleton<SlackMarker>();

        services.AddHttpClient(SlackApiClient.HttpClientName, (sp, client) =>
            {
                var slack = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
                var baseUrl = slack.ApiBaseUrl.EndsWith('/') ? slack.ApiBaseUrl : slack.ApiBaseUrl + "/";
                client.BaseAddress = new Uri(baseUrl);
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .AddResilienceHandler("slack-web-api", (pipeline, context) =>
            {
                var slack = context.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
                pipeline.AddTimeout(TimeSpan.FromSeconds(60)); // overall, across retries
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    // Defaults handle 429, 408, 5xx, HttpRequestException and per-attempt timeouts.
                    MaxRetryAttempts = slack.ApiMaxRetries,
                    ShouldRetryAfterHeader = true, // Slack's 429 says how long to wait; honour it
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = slack.ApiRetryBaseDelay,
                    MaxDelay = TimeSpan.FromSeconds(30),
                });
                pipeline.AddTimeout(slack.ApiAttemptTimeout);
            });

        services.AddSingleton<ISlackTokenSource, SlackTokenSource>();
        services.AddSingleton<ISlackApi, SlackApiClient>();
        services.AddSingleton<SlackUsers>();
        services.AddSingleton<SlackDirectChannels>();
        services.AddSingleton<SlackReplySender>();
        services.AddSingleton<SlackConversation>();
        services.AddSingleton<IProactiveMessenger, SlackMessenger>();
        services.AddSingleton<SlackAppHome>();
        services.AddSingleton<SlackWorkQueue>();
        services.AddHostedService<SlackWorker>();
        services.AddSingleton<SlackInbound>();
        services.AddSingleton<SlackEndpoints>();
        services.AddSingleton<SlackOAuthEndpoints>();
        if (options.UsesSocketMode)
        {
            // Socket Mode: Slack's deliveries come over outbound WebSockets into the same SlackInbound handler.
            services.AddSingleton<SlackSocketModeState>();
            services.AddSingleton<IReadinessCheck>(sp => sp.GetRequiredService<SlackSocketModeState>());
            services.AddHostedService<SlackSocketModeService>();
        }

        return builder;
    }

    /// <summary>Without <c>Slack:RedirectUri</c>, the callback under <c>Dashboard:PublicBaseUrl</c> (when that is set).</summary>
    private static void UsePublicBaseUrl(SlackOptions options, string? publicBaseUrl)
    {
        if (string.IsNullOrWhiteSpace(options.RedirectUri) && !string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            options.RedirectUri = publicBaseUrl.TrimEnd('/') + SlackOptions.CallbackPath;
        }
    }

    /// <summary>Maps the Slack endpoints when <see cref="AddSlack"/> enabled Slack.</summary>
    public static IEndpointRouteBuilder MapSlack(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<SlackMarker>() is null)
        {
            return app;
        }

        var options = app.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
        // HTTP mode needs the signing secret; Socket Mode alone has none, and then Slack's HTTP endpoints are not served.
        if (!string.IsNullOrWhiteSpace(options.SigningSecret))
        {
            app.MapPost("/slack/commands", (HttpContext http, SlackEndpoints slack) => slack.CommandAsync(http)).DisableAntiforgery();
            app.MapPost("/slack/events", (HttpContext http, SlackEndpoints slack) => slack.EventAsync(http)).DisableAntiforgery();
            app.MapPost("/slack/interactions", (HttpContext http, SlackEndpoints slack) => slack.InteractionAsync(http)).DisableAntiforgery();
        }

        if (options.HasOAuth)
        {
            app.MapGet("/slack/install", (HttpContext http, SlackOAuthEndpoints oauth) => oauth.Install(http));
            app.MapGet(SlackOptions.CallbackPath, (HttpContext http, SlackOAuthEndpoints oauth) => oauth.CallbackAsync(http));
        }

        return app;
    }

    /// <summary>The endpoints Slack signs: their requests are verified by <see cref="UseSlackVerification"/>.</summary>
    private static readonly PathString[] SignedPaths = ["/slack/commands", "/slack/events", "/slack/interactions"];

    /// <summary>
    /// Verifies Slack's signature before the request goes on (put it before the chat concurrency limit): a POST to
    /// <c>/slack/commands|events|interactions</c> without <c>X-Slack-Signature</c> / <c>X-Slack-Request-Timestamp</c>, or with
    /// a timestamp outside <see cref="SlackOptions.MaxRequestAge"/>, gets 401 before its body is read; otherwise the body is
    /// read and its HMAC checked (401 when wrong), so only verified requests reach the endpoints and take a slot.
    /// Does nothing when Slack is off, or in Socket Mode without a signing secret (then the endpoints are not mapped: 404).
    /// https://api.slack.com/authentication/verifying-requests-from-slack
    /// </summary>
    public static IApplicationBuilder UseSlackVerification(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<SlackMarker>() is null)
        {
            return app;
        }

        var options = app.ApplicationServices.GetRequiredService<IOptions<SlackOptions>>();
        if (string.IsNullOrWhiteSpace(options.Value.SigningSecret))
        {
            return app;
        }

        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackRequest).FullName!);
        return app.Use(async (http, next) =>
        {
            if (HttpMethods.IsPost(http.Request.Method) && SignedPaths.Any(p => http.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
            {
                var (verified, rejection) = await SlackRequest.ReadVerifiedAsync(http, options, time, logger, http.RequestAborted);
                if (verified is null)
                {
                    await rejection!.ExecuteAsync(http);
                    return;
                }

                http.Request.Body = new MemoryStream(verified.Body, writable: false); // read once; readable again if anyone asks
            }

            await next(http);
        });
    }

    /// <summary>Present in the container only when Slack is configured.</summary>
    private sealed class SlackMarker;
}
