using System.Net;
using System.Text;
using System.Text.Json;

namespace LearningBot.Tests.Storage;

/// <summary>One request the Cosmos SDK sent, as the network saw it.</summary>
/// <param name="DocumentId">The document a create/replace/read/delete is about (from the body or the path); null for other calls.</param>
/// <param name="Fault">The fault injected into this call, if any.</param>
public sealed record CosmosCall(string Method, string Path, string? DocumentId, bool IsQuery, int Status, string? Fault)
{
    public bool IsDocumentWrite => !IsQuery && Method is "POST" or "PUT" && Path.Contains("/docs", StringComparison.Ordinal);
}

/// <summary>
/// The network between the Cosmos SDK and the server, with scripted faults: matching calls get the answer the service
/// gives when it throttles (429 with x-ms-retry-after-ms) or is unavailable (503), or they reach the server and their
/// answer is lost (a 408, or the connection dropping). It sits below the SDK (its HttpClient), so the SDK's own retry
/// handling sees the faults exactly as it would see the real service's; a Cosmos <c>RequestHandler</c> in
/// CustomHandlers runs above the SDK's retry handler and would bypass it.
/// </summary>
public sealed class CosmosFaults
{
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private readonly List<CosmosCall> _calls = [];

    public IReadOnlyList<CosmosCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.ToList();
            }
        }
    }

    /// <summary>The next <paramref name="times"/> calls matching <paramref name="when"/> are throttled.</summary>
    public void Throttle(Func<CosmosCall, bool> when, int times, TimeSpan retryAfter) =>
        Add(new Fault("429", when, times, FaultKind.Throttle, retryAfter));

    /// <summary>The next <paramref name="times"/> matching calls get 503 without reaching the server.</summary>
    public void Unavailable(Func<CosmosCall, bool> when, int times = int.MaxValue) =>
        Add(new Fault("503", when, times, FaultKind.Unavailable, TimeSpan.Zero));

    /// <summary>The next matching calls reach the server (which acts on them), but the client gets a 408 instead of the answer.</summary>
    public void TimeOutAfterLanding(Func<CosmosCall, bool> when, int times = 1) =>
        Add(new Fault("408 after landing", when, times, FaultKind.TimeOutAfterLanding, TimeSpan.Zero));

    /// <summary>The next matching calls reach the server, then the connection drops before the answer arrives.</summary>
    public void DropAfterLanding(Func<CosmosCall, bool> when, int times = 1) =>
        Add(new Fault("dropped after landing", when, times, FaultKind.DropAfterLanding, TimeSpan.Zero));

    /// <summary>The outage is over: every call goes through again.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>For <see cref="CosmosTestTarget.ConfigureClient(Microsoft.Azure.Cosmos.CosmosClientOptions, Func{HttpMessageHandler, HttpMessageHandler})"/>.</summary>
    public HttpMessageHandler Wrap(HttpMessageHandler network) => new Handler(this, network);

    private void Add(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    private Fault? Take(CosmosCall call)
    {
        lock (_gate)
        {
            var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.When(call));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private void Record(CosmosCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }

    private enum FaultKind { Throttle, Unavailable, TimeOutAfterLanding, DropAfterLanding }

    private sealed class Fault(string name, Func<CosmosCall, bool> when, int times, FaultKind kind, TimeSpan retryAfter)
    {
        public string Name => name;

        public Func<CosmosCall, bool> When => when;

        public FaultKind Kind => kind;

        public TimeSpan RetryAfter => retryAfter;

        public int Remaining { get; set; } = times;
    }

    private sealed class Handler(CosmosFaults faults, HttpMessageHandler network) : DelegatingHandler(network)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var call = await DescribeAsync(request, cancellationToken);
            var fault = faults.Take(call);
            if (fault?.Kind is FaultKind.Throttle or FaultKind.Unavailable)
            {
                var status = fault.Kind == FaultKind.Throttle ? HttpStatusCode.TooManyRequests : HttpStatusCode.ServiceUnavailable;
                faults.Record(call with { Status = (int)status, Fault = fault.Name });
                var answer = new HttpResponseMessage(status)
                {
                    RequestMessage = request,
                    Content = new StringContent(
                        JsonSerializer.Serialize(new { code = status.ToString(), message = $"injected by the test ({fault.Name})" }),
                        Encoding.UTF8, "application/json"),
                };
                answer.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
                answer.Headers.Add("x-ms-request-charge", "0");
                if (fault.Kind == FaultKind.Throttle)
                {
                    answer.Headers.Add("x-ms-retry-after-ms", ((int)fault.RetryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    answer.Headers.Add("x-ms-substatus", "3200");
                }

                return answer;
            }

            var response = await base.SendAsync(request, cancellationToken);
            faults.Record(call with { Status = (int)response.StatusCode, Fault = fault?.Name });
            switch (fault?.Kind)
            {
                case FaultKind.TimeOutAfterLanding:
                    response.Dispose();
                    var timeout = new HttpResponseMessage(HttpStatusCode.RequestTimeout)
                    {
                        RequestMessage = request,
                        Content = new StringContent("""{"code":"RequestTimeout","message":"injected by the test"}""", Encoding.UTF8, "application/json"),
                    };
                    timeout.Headers.Add("x-ms-activity-id", Guid.NewGuid().ToString());
                    return timeout;
                case FaultKind.DropAfterLanding:
                    response.Dispose();
                    throw new HttpRequestException("The connection was reset (injected by the test after the server stored the request).",
                        new IOException("Connection reset by peer"));
                default:
                    return response;
            }
        }

        private static async Task<CosmosCall> DescribeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? string.Empty;
            var isQuery = request.Headers.TryGetValues("x-ms-documentdb-isquery", out var flags) && flags.Any(f => f.Equals("True", StringComparison.OrdinalIgnoreCase))
                          || request.Content?.Headers.ContentType?.MediaType == "application/query+json";
            string? documentId = null;
            var docsAt = path.LastIndexOf("/docs/", StringComparison.Ordinal);
            if (docsAt >= 0)
            {
                documentId = Uri.UnescapeDataString(path[(docsAt + "/docs/".Length)..]);
            }
            else if (!isQuery && request.Method == HttpMethod.Post && path.EndsWith("/docs", StringComparison.Ordinal) && request.Content is not null)
            {
                // A create names its document in the body; buffering keeps the body readable for the server.
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                using var body = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
                documentId = body.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
            }

            return new CosmosCall(request.Method.Method, path, documentId, isQuery, 0, null);
        }
    }
}
