using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;

namespace LearningBot.Teams.Hosting;

/// <summary>
/// Bot Framework's <see cref="BotFrameworkAuthentication"/> with two costs of every turn taken out (issue 18, measured in
/// docs/performance.md): CloudAdapter asks for a new <see cref="ConnectorClient"/> per turn (each compiles a Regex and reads
/// assembly attributes for its user agent) and disposes it after the turn; here one client per app id, service URL and
/// audience is made once and kept (its credentials fetch and refresh tokens themselves, as in Bot Framework's older
/// BotFrameworkAdapter, which cached its clients the same way). And it builds a user-token client per turn although this
/// bot has no sign-in (OAuth prompts): here that client is made only if a turn uses it.
/// </summary>
internal sealed class SharedConnectorClients(BotFrameworkAuthentication inner) : BotFrameworkAuthentication
{
    /// <summary>Service URLs are a handful of regional Bot Connector endpoints; the bound only guards against abuse.</summary>
    private const int MaxClients = 1_000;

    private readonly ConcurrentDictionary<string, Lazy<Task<IConnectorClient>>> _clients = new(StringComparer.Ordinal);

    /// <summary>
    /// CloudAdapter takes each turn's connector factory from this result, not from <see cref="CreateConnectorFactory"/>: it is
    /// wrapped too, or every turn would still build its own client (it did until the profile in docs/performance.md showed it).
    /// </summary>
    public override async Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
        Shared(await inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken));

    public override async Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader,
        CancellationToken cancellationToken) =>
        Shared(await inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken));

    private AuthenticateRequestResult Shared(AuthenticateRequestResult result)
    {
        if (result.ConnectorFactory is { } factory and not Factory)
        {
            result.ConnectorFactory = new Factory(this, factory, AppIdOf(result.ClaimsIdentity));
        }

        return result;
    }

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken);

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
        new Factory(this, inner.CreateConnectorFactory(claimsIdentity), AppIdOf(claimsIdentity));

    /// <summary>The bot's app id the turn's credentials are for: the token's audience, as Bot Framework reads it (empty when anonymous).</summary>
    private static string AppIdOf(ClaimsIdentity? identity) =>
        identity?.Claims.FirstOrDefault(c => c.Type == AuthenticationConstants.AudienceClaim)?.Value ?? string.Empty;

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        Task.FromResult<UserTokenClient>(new LazyUserTokenClient(() => inner.CreateUserTokenClientAsync(claimsIdentity, CancellationToken.None)));

    private async Task<IConnectorClient> GetOrCreateAsync(ConnectorFactory factory, string appId, string serviceUrl, string audience,
        CancellationToken cancellationToken)
    {
        var key = appId + "\n" + serviceUrl + "\n" + audience;
        if (!_clients.TryGetValue(key, out var lazy))
        {
            if (_clients.Count >= MaxClients)
            {
                return await factory.CreateAsync(serviceUrl, audience, cancellationToken); // per turn, as Bot Framework does
            }

            lazy = _clients.GetOrAdd(key, _ => new Lazy<Task<IConnectorClient>>(() => CreateSharedAsync(factory, serviceUrl, audience)));
        }

        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _clients.TryRemove(new KeyValuePair<string, Lazy<Task<IConnectorClient>>>(key, lazy));
            throw;
        }
    }

    private static async Task<IConnectorClient> CreateSharedAsync(ConnectorFactory factory, string serviceUrl, string audience)
    {
        var client = await factory.CreateAsync(serviceUrl, audience, CancellationToken.None);
        SharedJsonContracts.Apply(client);
        return client is ConnectorClient connector ? new KeptConnectorClient(connector) : client;
    }

    private sealed class Factory(SharedConnectorClients owner, ConnectorFactory inner, string appId) : ConnectorFactory
    {
        public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken) =>
            owner.GetOrCreateAsync(inner, appId, serviceUrl, audience, cancellationToken);
    }

    /// <summary>
    /// A <see cref="ConnectorClient"/> (so Teams helpers that reuse its HttpClient still can) over the same base URI,
    /// credentials and HttpClient as the one the factory made; the turn's dispose does not end it.
    /// </summary>
    private sealed class KeptConnectorClient(ConnectorClient made)
        : ConnectorClient(made.BaseUri, made.Credentials, made.HttpClient, disposeHttpClient: false)
    {
        protected override void Dispose(bool disposing)
        {
            // Kept for the next turn: nothing to release.
        }
    }

    /// <summary>Creates the real user-token client on first use (this bot never signs people in, so usually never).</summary>
    private sealed class LazyUserTokenClient(Func<Task<UserTokenClient>> create) : UserTokenClient
    {
        private readonly Lazy<Task<UserTokenClient>> _client = new(create);

        public override async Task<TokenResponse> GetUserTokenAsync(string userId, string connectionName, string channelId, string magicCode,
            CancellationToken cancellationToken) =>
            await (await _client.Value).GetUserTokenAsync(userId, connectionName, channelId, magicCode, cancellationToken);

        public override async Task<SignInResource> GetSignInResourceAsync(string connectionName, Activity activity, string finalRedirect,
            CancellationToken cancellationToken) =>
            await (await _client.Value).GetSignInResourceAsync(connectionName, activity, finalRedirect, cancellationToken);

        public override async Task SignOutUserAsync(string userId, string connectionName, string channelId, CancellationToken cancellationToken) =>
            await (await _client.Value).SignOutUserAsync(userId, connectionName, channelId, cancellationToken);

        public override async Task<TokenStatus[]> GetTokenStatusAsync(string userId, string channelId, string includeFilter,
            CancellationToken cancellationToken) =>
            await (await _client.Value).GetTokenStatusAsync(userId, channelId, includeFilter, cancellationToken);

        public override async Task<Dictionary<string, TokenResponse>> GetAadTokensAsync(string userId, string connectionName, string[] resourceUrls,
            string channelId, CancellationToken cancellationToken) =>
            await (await _client.Value).GetAadTokensAsync(userId, connectionName, resourceUrls, channelId, cancellationToken);

        public override async Task<TokenResponse> ExchangeTokenAsync(string userId, string connectionName, string channelId,
            TokenExchangeRequest exchangeRequest, CancellationToken cancellationToken) =>
            await (await _client.Value).ExchangeTokenAsync(userId, connectionName, channelId, exchangeRequest, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing && _client.IsValueCreated && _client.Value.IsCompletedSuccessfully)
            {
                _client.Value.Result.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
