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

    /// <summary>
    /// The path a real turn takes: CloudAdapter authenticates the request and uses the connector factory of that result
    /// (not <see cref="BotFrameworkAuthentication.CreateConnectorFactory"/>). Before the fix every turn built a client here.
    /// </summary>
    [Test]
    public async Task Turns_through_cloud_adapter_share_one_connector_client_per_service_url()
    {
        var counting = new Counting(Anonymous());
        var adapter = new TurnRunner(new SharedConnectorClients(counting));
        var clients = new List<IConnectorClient>();

        for (var turn = 0; turn < 3; turn++)
        {
            // A Teams 1:1 message as the Bot Connector posts it (anonymous: no Authorization header, as the Emulator and load test).
            var activity = new Activity
            {
                Type = ActivityTypes.Message, Id = "1732870601" + turn, ChannelId = "msteams", ServiceUrl = "http://127.0.0.1:3978/teams/",
                From = new ChannelAccount("29:1abc", "Ann"), Recipient = new ChannelAccount("28:bot", "LearningBot"),
                Conversation = new ConversationAccount(id: "a:1personal", conversationType: "personal", tenantId: "tenant-1"),
                Text = "learned turn " + turn,
            };
            await adapter.RunAsync(string.Empty, activity, (context, _) =>
            {
                clients.Add(context.TurnState.Get<IConnectorClient>());
                return Task.CompletedTask;
            });
        }

        Assert.That(clients, Has.Count.EqualTo(3));
        Assert.That(clients.Distinct(), Has.Exactly(1).Items, "one client kept across the turns");
        Assert.That(counting.ConnectorClientsMade, Is.EqualTo(1), "made once, not once per turn");
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

    /// <summary>CloudAdapter's own turn (authenticate, make the connector client, run the bot), as <c>ProcessAsync</c> runs it for a POST.</summary>
    private sealed class TurnRunner(BotFrameworkAuthentication auth) : CloudAdapter(auth)
    {
        public Task RunAsync(string authHeader, Activity activity, BotCallbackHandler bot) => ProcessActivityAsync(authHeader, activity, bot, default);
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

        public override async Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken)
        {
            var result = await inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken);
            result.ConnectorFactory = new CountingFactory(result.ConnectorFactory, () => Interlocked.Increment(ref _connectorClients));
            return result;
        }

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
