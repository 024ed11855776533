using System.Diagnostics;
using LearningBot.Core.Diagnostics;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos;

/// <summary>Request units and request count so far.</summary>
public readonly record struct CosmosCharge(double RequestUnits, int Requests)
{
    public static CosmosCharge operator -(CosmosCharge after, CosmosCharge before) =>
        new(after.RequestUnits - before.RequestUnits, after.Requests - before.Requests);
}

/// <summary>One response as the meter saw it: enough to explain where a command's request units went.</summary>
public sealed record CosmosRequestRecord(string Method, string Resource, int StatusCode, double RequestUnits);

/// <summary>
/// Adds up the <c>x-ms-request-charge</c> of every response the client receives (including 404/409/412),
/// so tests and diagnostics can see what a command costs.
/// </summary>
public sealed class CosmosRequestMeter : RequestHandler
{
    private readonly Lock _gate = new();
    private const int MaxRecent = 200;
    private readonly Queue<CosmosRequestRecord> _recent = new();
    private double _requestUnits;
    private int _requests;

    /// <summary>Set once by the host (the meter is created before DI exists); null: only the in-memory totals.</summary>
    public LearningBotMetrics? Metrics { get; set; }

    /// <summary>The last requests (at most 200), oldest first.</summary>
    public IReadOnlyList<CosmosRequestRecord> Recent
    {
        get
        {
            lock (_gate)
            {
                return _recent.ToList();
            }
        }
    }

    public CosmosCharge Total
    {
        get
        {
            lock (_gate)
            {
                return new CosmosCharge(_requestUnits, _requests);
            }
        }
    }

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken);
        if (Metrics is { } metrics)
        {
            // Operation = HTTP method + resource kind (docs, colls, …), never the ids in the path.
            var operation = request.Method.Method + " " + ResourceKind(request.RequestUri?.OriginalString);
            var status = (int)response.StatusCode;
            metrics.StorageRequest("cosmos", operation, status < 400 || status is 404 or 409 or 412 ? "ok" : "http_" + status,
                Stopwatch.GetElapsedTime(started));
            metrics.RequestUnits(operation, status, response.Headers.RequestCharge);
        }

        lock (_gate)
        {
            _requestUnits += response.Headers.RequestCharge;
            _requests++;
            // The path names resources (database/container/document ids), never keys or document bodies.
            _recent.Enqueue(new CosmosRequestRecord(request.Method.Method, request.RequestUri?.OriginalString ?? "?", (int)response.StatusCode,
                response.Headers.RequestCharge));
            if (_recent.Count > MaxRecent)
            {
                _recent.Dequeue();
            }
        }

        return response;
    }

    /// <summary>The last resource type in a path like <c>dbs/x/colls/teams/docs/id</c> ("docs"), or "account".</summary>
    internal static string ResourceKind(string? path)
    {
        var segments = (path ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Resource types sit at even positions (dbs, colls, docs, …); a trailing type means a feed/query/create.
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (i % 2 == 0 && segments[i] is "dbs" or "colls" or "docs" or "pkranges" or "sprocs" or "udfs" or "triggers" or "users" or "offers")
            {
                return segments[i];
            }
        }

        return "account";
    }
}
