using LearningBot.Teams.Conversations;

namespace LearningBot.Teams.Tests.Unit;

/// <summary>
/// The comparison that decides whether a 1:1 message re-saves its chat's stored conversation reference (issue 18): equal
/// apart from <c>activityId</c>, in any property order or layout (a row written by another instance or an older build),
/// different when anything else differs, and "different" (so the good reference is written) when the stored JSON is not an
/// object. Shapes are Bot Framework's serialised <c>ConversationReference</c> as Teams' activities fill it.
/// </summary>
[TestFixture]
public sealed class SameReferenceTests
{
    private const string Stored =
        """{"activityId":"1732921234567","user":{"id":"29:1abcAnn","name":"Ann Lee","aadObjectId":"6e1c2a8f-0d43-4b8e-9d35-0f4c1d2b3a41"},"bot":{"id":"28:bot-app-id","name":"LearningBot"},"conversation":{"conversationType":"personal","id":"a:1personalAnn","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47"},"channelId":"msteams","locale":"en-US","serviceUrl":"https://smba.trafficmanager.net/emea/"}""";

    [Test]
    public void Only_the_activity_id_differs_is_the_same()
    {
        var now = Stored.Replace("1732921234567", "1732921299999", StringComparison.Ordinal);
        Assert.That(TeamsConversations.SameReference(Stored, now), Is.True);
    }

    [TestCase("1732921299999")]
    [TestCase("1:\\\"quoted\\\" id")]
    [TestCase("")]
    public void Only_the_activity_id_differs_in_any_spelling_is_the_same(string activityId)
    {
        var now = Stored.Replace("\"1732921234567\"", "\"" + activityId + "\"", StringComparison.Ordinal);
        Assert.That(TeamsConversations.SameReference(Stored, now), Is.True);
        Assert.That(TeamsConversations.SameReference(now, Stored), Is.True);
    }

    [Test]
    public void A_difference_after_an_equal_activity_id_is_not_the_same()
    {
        var now = Stored.Replace("\"en-US\"", "\"de-DE\"", StringComparison.Ordinal);
        Assert.That(TeamsConversations.SameReference(Stored, now), Is.False);
    }

    [Test]
    public void Another_property_order_and_layout_is_the_same()
    {
        const string reordered = """
            {
              "serviceUrl": "https://smba.trafficmanager.net/emea/",
              "locale": "en-US",
              "channelId": "msteams",
              "conversation": { "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "id": "a:1personalAnn", "conversationType": "personal" },
              "bot": { "name": "LearningBot", "id": "28:bot-app-id" },
              "user": { "aadObjectId": "6e1c2a8f-0d43-4b8e-9d35-0f4c1d2b3a41", "name": "Ann Lee", "id": "29:1abcAnn" },
              "activityId": "f:other"
            }
            """;
        Assert.That(TeamsConversations.SameReference(Stored, reordered), Is.True);
    }

    [Test]
    public void A_stored_reference_without_an_activity_id_is_the_same()
    {
        var without = Stored.Replace("\"activityId\":\"1732921234567\",", string.Empty, StringComparison.Ordinal);
        Assert.That(TeamsConversations.SameReference(without, Stored), Is.True);
        Assert.That(TeamsConversations.SameReference(Stored, without), Is.True);
    }

    [TestCase("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/amer/", TestName = "a moved service URL")]
    [TestCase("\"name\":\"Ann Lee\"", "\"name\":\"Ann Lee-Okafor\"", TestName = "a changed user name")]
    [TestCase("\"tenantId\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"", "\"tenantId\":null", TestName = "a nested value become null")]
    [TestCase("\"locale\":\"en-US\",", "", TestName = "a property gone")]
    [TestCase("\"locale\":\"en-US\"", "\"locale\":\"en-US\",\"relatesTo\":{\"activityId\":\"x\"}", TestName = "a property added")]
    [TestCase("\"channelId\":\"msteams\"", "\"channelId\":\"msteams\",\"channelId\":\"msteams\"", TestName = "a property twice")]
    public void Any_other_difference_is_not_the_same(string from, string to)
    {
        var now = Stored.Replace(from, to, StringComparison.Ordinal);
        Assert.That(now, Is.Not.EqualTo(Stored), "the test changed something");
        Assert.That(TeamsConversations.SameReference(Stored, now), Is.False);
    }

    [TestCase("")]
    [TestCase("{\"activityId\":")]
    [TestCase("[]")]
    [TestCase("null")]
    public void An_unreadable_stored_reference_is_not_the_same(string stored) =>
        Assert.That(TeamsConversations.SameReference(stored, Stored), Is.False);
}
