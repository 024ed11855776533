using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LearningBot.Core.Diagnostics;

/// <summary>
/// The bot's own metrics and traces, on plain System.Diagnostics so Core needs no telemetry SDK: the host decides
/// where they go (OpenTelemetry/OTLP, Azure Monitor, dotnet-counters). Tags are low-cardinality on purpose:
/// command names, platforms and outcomes, never team or user ids (they would be personal data and explode series).
/// </summary>
public sealed class LearningBotMetrics
{
    /// <summary>Name of the <see cref="Meter"/> and of the <see cref="ActivitySource"/>.</summary>
    public const string Name = "LearningBot";

    /// <summary>Traces of commands, scheduler rounds and outbox deliveries.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _commands;
    private readonly Histogram<double> _commandDuration;
    private readonly Counter<long> _platformCalls;
    private readonly Histogram<double> _platformCallDuration;
    private readonly Histogram<double> _storageDuration;
    private readonly Counter<double> _requestUnits;
    private readonly Histogram<double> _schedulerLag;
    private readonly Gauge<long> _outboxDepth;
    private readonly Counter<long> _outboxDeliveries;
    private readonly UpDownCounter<long> _socketConnections;
    private readonly Counter<long> _socketReconnects;
    private readonly Histogram<double> _socketAckDuration;

    public LearningBotMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        _commands = Meter.CreateCounter<long>("learningbot.commands", "{command}",
            "Commands handled, by command, platform and outcome (ok, rejected, error, redelivery, failed).");
        _commandDuration = Meter.CreateHistogram<double>("learningbot.command.duration", "s",
            "Time from a parsed message to its reply, by command, platform and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _platformCalls = Meter.CreateCounter<long>("learningbot.platform.calls", "{call}",
            "Outbound calls to Slack's Web API and Teams' Bot Connector, by platform, operation and outcome.");
        _platformCallDuration = Meter.CreateHistogram<double>("learningbot.platform.call.duration", "s",
            "Duration of outbound platform calls (including the client's retries).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _storageDuration = Meter.CreateHistogram<double>("learningbot.storage.duration", "s",
            "Duration of storage requests, by engine, operation and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _requestUnits = Meter.CreateCounter<double>("learningbot.storage.request_units", "{RU}",
            "Cosmos DB request units charged (x-ms-request-charge), by operation and status code.");
        _schedulerLag = Meter.CreateHistogram<double>("learningbot.scheduler.lag", "s",
            "How late a prompt occurrence or nudge was claimed after its due time, by kind and state.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _outboxDepth = Meter.CreateGauge<long>("learningbot.outbox.depth", "{message}",
            "Messages waiting in the outbox (pending), measured after each dispatch round.");
        _outboxDeliveries = Meter.CreateCounter<long>("learningbot.outbox.deliveries", "{message}",
            "Outbox delivery attempts, by platform and outcome (sent, retry, gone, abandoned).");
        _socketConnections = Meter.CreateUpDownCounter<long>("learningbot.slack.socket.connections", "{connection}",
            "Slack Socket Mode connections open (hello received, not yet closed).");
        _socketReconnects = Meter.CreateCounter<long>("learningbot.slack.socket.reconnects", "{connection}",
            "Slack Socket Mode connections opened again, by reason (refresh_requested, warning, dropped, open_failed, auth_failed, link_disabled).");
        _socketAckDuration = Meter.CreateHistogram<double>("learningbot.slack.socket.ack.duration", "s",
            "Time from receiving a Socket Mode envelope to sending its acknowledgement (Slack's limit: 3 s), by envelope type and outcome (acked, not_acked).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    public Meter Meter { get; }

    // Chat acknowledgements must stay well under Slack's 3 s: fine buckets below a second.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly double[] LagBuckets = [0.5, 1, 5, 15, 30, 60, 120, 300, 900, 3600, 86400];

    public void CommandHandled(string command, string platform, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "command", command }, { "platform", platform }, { "outcome", outcome } };
        _commands.Add(1, tags);
        _commandDuration.Record(duration.TotalSeconds, tags);
    }

    public void PlatformCall(string platform, string operation, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "platform", platform }, { "operation", operation }, { "outcome", outcome } };
        _platformCalls.Add(1, tags);
        _platformCallDuration.Record(duration.TotalSeconds, tags);
    }

    public void StorageRequest(string engine, string operation, string outcome, TimeSpan duration) =>
        _storageDuration.Record(duration.TotalSeconds,
            new TagList { { "engine", engine }, { "operation", operation }, { "outcome", outcome } });

    public void RequestUnits(string operation, int statusCode, double requestUnits) =>
        _requestUnits.Add(requestUnits, new TagList { { "operation", operation }, { "status_code", statusCode } });

    public void SchedulerLag(string kind, string state, TimeSpan lag) =>
        _schedulerLag.Record(Math.Max(0, lag.TotalSeconds), new TagList { { "kind", kind }, { "state", state } });

    public void OutboxDepth(long pending) => _outboxDepth.Record(pending);

    /// <summary>A Socket Mode connection opened (+1, after Slack's hello) or closed (-1).</summary>
    public void SocketConnectionChanged(int delta) => _socketConnections.Add(delta);

    /// <summary>A Socket Mode connection is being replaced; <paramref name="reason"/> is one of a small fixed set.</summary>
    public void SocketReconnect(string reason) => _socketReconnects.Add(1, new TagList { { "reason", reason } });

    /// <summary>How long an envelope waited for its ack; <paramref name="type"/> is Slack's envelope type (slash_commands, events_api, interactive).</summary>
    public void SocketAck(string type, string outcome, TimeSpan duration) =>
        _socketAckDuration.Record(duration.TotalSeconds, new TagList { { "type", type }, { "outcome", outcome } });

    public void OutboxDelivery(string platform, string outcome) =>
        _outboxDeliveries.Add(1, new TagList { { "platform", platform }, { "outcome", outcome } });
}
