using Azure.Monitor.OpenTelemetry.Exporter;
using LearningBot.Core.Diagnostics;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LearningBot.Web.Hosting;

/// <summary>
/// Logs, metrics and traces. Logs are ASP.NET Core's structured logs; <c>Logging__Console__FormatterName=json</c>
/// prints them as one JSON object per line (the container image sets it). OpenTelemetry exports the
/// <c>LearningBot</c> meter and activity source plus ASP.NET Core, HttpClient, runtime and Cosmos DB telemetry to an
/// OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and/or to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. With neither, nothing is exported (the meter can still be
/// read locally with <c>dotnet-counters monitor -n LearningBot.Web --counters LearningBot</c>).
/// </summary>
public static class Observability
{
    public const string ServiceName = "learningbot";

    // Cosmos DB SDK's own traces (operation spans with RU and status) when distributed tracing is on.
    private const string CosmosActivitySource = "Azure.Cosmos.Operation";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.IncludeScopes = true;
        });

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var azureMonitor = !string.IsNullOrWhiteSpace(appInsights);
        if (!otlp && !azureMonitor)
        {
            return builder;
        }

        // Registered first, so stopped last: exports what the other services measured before the container disposes
        // the meter factory (whose meters would otherwise vanish before the meter provider's final collect).
        builder.Services.AddHostedService<FlushTelemetryOnStop>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName,
                serviceVersion: typeof(Observability).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: Environment.MachineName));

        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(LearningBotMetrics.Name, CosmosActivitySource)
                .AddAspNetCoreInstrumentation(options =>
                    // Probes every few seconds would drown the interesting traces.
                    options.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation(options =>
                    // A Slack response_url is a bearer capability in its path: no span for a call to a URL carrying one (the
                    // same rule as for logs; incoming spans get their query values redacted by the ASP.NET Core instrumentation).
                    options.FilterHttpRequestMessage = request => request.RequestUri is not { } uri
                                                                  || ReferenceEquals(LogRedactor.Redact(uri.OriginalString), uri.OriginalString));
            if (otlp)
            {
                tracing.AddOtlpExporter();
            }

            if (azureMonitor)
            {
                tracing.AddAzureMonitorTraceExporter(options => options.ConnectionString = appInsights);
            }
        });

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(LearningBotMetrics.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime"); // .NET's built-in runtime meter (GC, thread pool, exceptions)
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }

            if (azureMonitor)
            {
                metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = appInsights);
            }
        });

        // Through the same builder as traces and metrics, so the LoggerProvider is in DI and flushed on stop with them.
        telemetry.WithLogging(
            logging =>
            {
                if (otlp)
                {
                    logging.AddOtlpExporter();
                }

                if (azureMonitor)
                {
                    logging.AddAzureMonitorLogExporter(options => options.ConnectionString = appInsights);
                }
            },
            options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });

        return builder;
    }

    private sealed class FlushTelemetryOnStop(IServiceProvider services) : IHostedService
    {
        private IReadOnlyList<Func<bool>> _flushes = [];

        // Resolved at start, not at stop: a host can be stopped twice at once (app.Run() also stops and then disposes
        // it when the test server stops it), and the service provider may already be disposed by the time this runs.
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var meters = services.GetService<MeterProvider>();
            var tracers = services.GetService<TracerProvider>();
            var loggers = services.GetService<LoggerProvider>();
            _flushes =
            [
                () => meters?.ForceFlush(5_000) ?? true,
                () => tracers?.ForceFlush(5_000) ?? true,
                () => loggers?.ForceFlush(5_000) ?? true,
            ];
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var flush in _flushes)
            {
                try
                {
                    flush();
                }
                catch (ObjectDisposedException)
                {
                    // Already shut down by the other stop: it flushed on disposal.
                }
            }

            return Task.CompletedTask;
        }
    }
}
