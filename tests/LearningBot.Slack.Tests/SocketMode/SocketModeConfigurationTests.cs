using System.Net;

namespace LearningBot.Slack.Tests.SocketMode;

/// <summary>Which Slack settings start the host in which mode, and the clear refusals when they do not fit together.</summary>
public sealed class SocketModeConfigurationTests
{
    private const string AppToken = SlackSocketModeTests.AppToken;

    [TestCase("xoxb-1234-5678-abcdef", "Slack:AppToken is a bot token (xoxb-…): put it in Slack__BotToken",
        TestName = "A bot token pasted as the app token is refused and named")]
    [TestCase("A0LEARN-5870512781700", "Slack:AppToken should be an app-level token starting with xapp-",
        TestName = "An app token of the wrong shape is refused")]
    [TestCase("xapp-", "Slack:AppToken should be an app-level token starting with xapp-", TestName = "A bare xapp- prefix is refused")]
    [TestCase("   ", "Slack:AppToken is blank", TestName = "A blank app token is refused")]
    public async Task A_wrong_app_token_stops_start_up_with_what_to_do(string appToken, string expected)
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:AppToken"] = appToken });

        var messages = Messages(Assert.Catch(() => host.Factory.CreateClient()));

        Assert.That(messages, Does.Contain(expected));
    }

    [Test]
    public async Task An_app_token_pasted_as_the_bot_token_is_refused_and_named()
    {
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:BotToken"] = AppToken });

        var messages = Messages(Assert.Catch(() => host.Factory.CreateClient()));

        Assert.That(messages, Does.Contain("Slack:BotToken is an app-level token (xapp-…): put it in Slack__AppToken"));
        Assert.That(messages, Does.Not.Contain(AppToken), "the token is not repeated in the error");
    }

    [Test]
    public async Task Neither_mode_complete_names_both_ways_to_finish_it()
    {
        // A bot token alone: no signing secret for HTTP, no app token for Socket Mode.
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:SigningSecret"] = "" });

        var messages = Messages(Assert.Catch(() => host.Factory.CreateClient()));

        Assert.That(messages, Does.Contain("Slack__SigningSecret").And.Contain("Slack__AppToken"));
    }

    [Test]
    public async Task An_app_token_without_a_bot_token_or_oauth_cannot_reply_and_is_refused()
    {
        await using var host = new SlackHost(new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = AppToken, ["Slack:SigningSecret"] = "", ["Slack:BotToken"] = "", ["Slack:ClientId"] = "", ["Slack:ClientSecret"] = "",
        });

        var messages = Messages(Assert.Catch(() => host.Factory.CreateClient()));

        Assert.That(messages, Does.Contain("Slack__BotToken"));
    }

    [TestCase(0)]
    [TestCase(11)]
    public async Task More_connections_than_slack_allows_or_none_are_refused(int connections)
    {
        await using var host = new SlackHost(new Dictionary<string, string?>
        {
            ["Slack:AppToken"] = AppToken, ["Slack:SocketConnections"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var messages = Messages(Assert.Catch(() => host.Factory.CreateClient()));

        Assert.That(messages, Does.Contain("Slack:SocketConnections must be between 1 and 10"));
    }

    [Test]
    public async Task Both_modes_configured_serve_signed_http_requests_beside_socket_mode()
    {
        await using var socket = await FakeSocketModeServer.StartAsync();
        await using var host = new SlackHost(new Dictionary<string, string?> { ["Slack:AppToken"] = AppToken });
        host.Slack.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/apps.connections.open").UsingPost()).AtPriority(1)
            .RespondWith(SlackHost.OkJson(new System.Text.Json.Nodes.JsonObject { ["ok"] = true, ["url"] = socket.NewUrl() }));
        host.StubUser("UANN", "Ann");

        using var viaHttp = await host.CommandAsync("/learnbot", "help", host.ResponseUrl("http"));
        await socket.WaitForConnectionAsync(0);

        Assert.That(viaHttp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await host.WaitForRepliesAsync("/response/http");
    }

    private static string Messages(Exception? exception)
    {
        var messages = new List<string>();
        void Walk(Exception? e)
        {
            for (; e is not null; e = e.InnerException)
            {
                messages.Add(e.Message);
                if (e is AggregateException aggregate)
                {
                    aggregate.InnerExceptions.ToList().ForEach(Walk);
                }
            }
        }

        Walk(exception);
        return string.Join(" | ", messages);
    }
}
