using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos;

/// <summary>Request units and request count so far.</summary>
public readonly record struct CosmosCharge(double RequestUnits, int Requests)
{
    public static CosmosCharge operator -(CosmosCharge after, CosmosCharge before) =>
        new(after.RequestUnits - before.RequestUnits, after.Requests - before.Requests);
}

/// <summary>
/// Adds up the <c>x-ms-request-charge</c> of every response the client receives (including 404/409/412),
/// so tests and diagnostics can see what a command costs.
/// </summary>
public sealed class CosmosRequestMeter : RequestHandler
{
    private readonly Lock _gate = new();
    private double _requestUnits;
    private int _requests;

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
        var response = await base.SendAsync(request, cancellationToken);
        lock (_gate)
        {
            _requestUnits += response.Headers.RequestCharge;
            _requests++;
        }

        return response;
    }
}
