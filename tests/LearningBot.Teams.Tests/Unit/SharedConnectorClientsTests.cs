using System.Security.Claims;
using LearningBot.Teams.Hosting;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Configuration;

namespace LearningBot.Teams.Tests.Unit;

/// <summary>
/// The Bot Framework authentication the host registers (issue 18): CloudAdapter asks it for a connector client on every
/// turn and disposes the client after the turn; the client for a service URL is made once and outlives the turn's dispose,
/// and the user-token client (sign-in, which this bot has none of) is not made unless used.
/// </summary>
[TestFixture]
public sealed class SharedConnectorClientsTests
{
    private const string Audience = "https://api.botframework.com";

    [Test]
    public async Task A_service_urls_connector_client_is_made_once_and_survives_the_turns_dispose()
    {
        var counting = new Counting(Anonymous());
        var auth = new SharedConnectorClients(counting);
        var turn = new ClaimsIdentity(); // anonymous: no app id, as with the Emulator and the load test

        var first = await auth.CreateConnectorFactory(turn).CreateAsync("http://127.0.0.1:3978/teams/", Audience, default);
        first.Dispose(); // what CloudAdapter does at the end of the turn
        var second = await auth.CreateConnectorFactory(turn).CreateAsync("http://127.0.0.1:3978/teams/", Audience, default);
        var elsewhere = await auth.CreateConnectorFactory(turn).CreateAsync("http://127.0.0.1:3979/teams/", Audience, default);

        Assert.That(second, Is.SameAs(first));
        Assert.That(((ConnectorClient)second).HttpClient, Is.Not.Null, "still usable after the first turn disposed it");
        Assert.That(second.BaseUri, Is.EqualTo(new Uri("http://127.0.0.1:3978/teams/")));
        Assert.That(elsewhere, Is.Not.SameAs(first), "another service URL gets a client of its own");
        Assert.That(elsewhere.BaseUri, Is.EqualTo(new Uri("http://127.0.0.1:3979/teams/")));
        Assert.That(counting.ConnectorClientsMade, Is.EqualTo(2), "one per service URL, not one per turn");
    }

    [Test]
    public async Task The_user_token_client_is_not_made_for_a_turn_that_does_not_use_it()
    {
        var counting = new Counting(Anonymous());
        var auth = new SharedConnectorClients(counting);

        using (var client = await auth.CreateUserTokenClientAsync(new ClaimsIdentity(), default))
        {
            Assert.That(client, Is.Not.Null);
        }

        Assert.That(counting.UserTokenClientsMade, Is.Zero);
    }

    private static BotFrameworkAuthentication Anonymous() =>
        new ConfigurationBotFrameworkAuthentication(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build());

    /// <summary>Bot Framework's own authentication, counting what it is asked to make.</summary>
    private sealed class Counting(BotFrameworkAuthentication inner) : BotFrameworkAuthentication
    {
        private int _connectorClients;
        private int _userTokenClients;

        public int ConnectorClientsMade => _connectorClients;

        public int UserTokenClientsMade => _userTokenClients;

        public override Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
            inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken);

        public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader,
            CancellationToken cancellationToken) => inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken);

        public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

        public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
            new CountingFactory(inner.CreateConnectorFactory(claimsIdentity), () => Interlocked.Increment(ref _connectorClients));

        public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _userTokenClients);
            return inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken);
        }

        private sealed class CountingFactory(ConnectorFactory inner, Action made) : ConnectorFactory
        {
            public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken)
            {
                made();
                return inner.CreateAsync(serviceUrl, audience, cancellationToken);
            }
        }
    }
}
