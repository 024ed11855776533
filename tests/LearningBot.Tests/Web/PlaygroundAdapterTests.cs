using LearningBot.Web.Playground;

namespace LearningBot.Tests.Web;

public sealed class PlaygroundAdapterTests
{
    [Test]
    public void At_names_become_mentions_with_display_names_and_the_team_is_namespaced()
    {
        var message = PlaygroundEndpoints.ToIncomingMessage(new PlaygroundRequest("acme", "ann", "kudos @bo and @cy.lee, thanks @bo.", "m1", Admin: true), DateTimeOffset.UnixEpoch);

        Assert.That(message.Text, Is.EqualTo("kudos <@bo> and <@cy.lee>, thanks <@bo>."));
        Assert.That(message.Mentions.Select(m => m.UserId), Is.EqualTo(new[] { "bo", "cy.lee" }));
        Assert.That(message.TeamId, Is.EqualTo("playground:acme"));
        Assert.That(message.IdempotencyKey, Is.EqualTo("m1"));
        Assert.That(message.IsTeamAdmin, Is.True);
    }

    [Test]
    public void Email_addresses_are_not_mentions()
    {
        var message = PlaygroundEndpoints.ToIncomingMessage(new PlaygroundRequest("acme", "ann", "learned mail ann@example.com works", null), DateTimeOffset.UnixEpoch);

        Assert.That(message.Text, Is.EqualTo("learned mail ann@example.com works"));
        Assert.That(message.Mentions, Is.Empty);
        Assert.That(message.IdempotencyKey, Has.Length.EqualTo(32));
    }
}
