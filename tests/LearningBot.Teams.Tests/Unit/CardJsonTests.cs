using System.Text.Json.Nodes;
using LearningBot.Core.Replies;
using LearningBot.Teams.Cards;

namespace LearningBot.Teams.Tests.Unit;

/// <summary>
/// The Adaptive Card written straight to JSON (issue 18) is the card the Newtonsoft <c>JObject</c> renderer made, element for
/// element: the golden below is that renderer's output (main at 9e5c558) for a reply with every block and span kind — mentions
/// (one twice), markdown-looking text, a link in plain text, a relative private link, code, subtle notes with and without
/// mentions, list items with small print, facts, a command button and one that asks for text.
/// </summary>
[TestFixture]
public sealed class CardJsonTests
{
    private const string Golden = """
{"type":"AdaptiveCard","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","version":"1.5","body":[{"type":"TextBlock","text":"🎉 Kudos &lt;b&gt;sent&lt;/b&gt; #1","wrap":true,"size":"Large","weight":"Bolder","style":"heading"},{"type":"TextBlock","text":"<at>Bo \"the\" Chen</at> thanks **\\*fixing\\* the build** and <at>Bo \"the\" Chen</at>","wrap":true},{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"See "},{"type":"TextRun","text":"https://example.com/runbook?a=1&b=2","color":"Accent","selectAction":{"type":"Action.OpenUrl","url":"https://example.com/runbook?a=1&b=2"}},{"type":"TextRun","text":". or "},{"type":"TextRun","text":"/me?token=abc (no link: the bot's public address is not configured)"},{"type":"TextRun","text":"learned undo","fontType":"Monospace"}]},{"type":"TextBlock","text":"You have **4** left, ask <at>Ann</at>","wrap":true,"isSubtle":true,"size":"Small"},{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"small print ","isSubtle":true,"size":"Small"},{"type":"TextRun","text":"https://example.com/x (no link: the bot's public address is not configured)","isSubtle":true,"size":"Small"}]},{"type":"Container","separator":true,"spacing":"Medium","items":[{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"How do I rotate keys?"}]},{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"shared by Ann · 2026-11-30","isSubtle":true,"size":"Small"}]}]},{"type":"Container","separator":true,"spacing":"Medium","items":[{"type":"RichTextBlock","inlines":[{"type":"TextRun","text":"1. first","weight":"Bolder"}]}]},{"type":"FactSet","facts":[{"title":"Streak","value":"3 weeks"},{"title":"\\*Time\\*","value":"1h 30m"}]},{"type":"ActionSet","actions":[{"type":"Action.Execute","title":"This helped","verb":"learningbot.command","data":{"command":"helped 0193f0c2"}},{"type":"Action.ShowCard","title":"Edit","card":{"type":"AdaptiveCard","body":[{"type":"Input.Text","id":"learningbotText","label":"New text","value":"how to read EXPLAIN\nline 2","isMultiline":true,"isRequired":true,"errorMessage":"Write the new text, or use Delete.","maxLength":4000}],"actions":[{"type":"Action.Execute","title":"Save","verb":"learningbot.command","data":{"command":"learned edit 0193f0c2","appendInput":"learningbotText"}}]}}]}],"fallbackText":"🎉 Kudos <b>sent</b> #1\n@Bo \"the\" Chen thanks *fixing* the build and @Bo \"the\" Chen\nSee https://example.com/runbook?a=1&b=2. or /me?token=abclearned undo\nYou have 4 left, ask @Ann\nsmall print https://example.com/x\n• How do I rotate keys? (shared by Ann · 2026-11-30)\n• 1. first\nStreak: 3 weeks\n*Time*: 1h 30m","msteams":{"width":"Full","entities":[{"type":"mention","text":"<at>Bo \"the\" Chen</at>","mentioned":{"id":"bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb","name":"Bo \"the\" Chen"}},{"type":"mention","text":"<at>Ann</at>","mentioned":{"id":"aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa","name":"Ann"}}]}}
""";

    private static BotReply EveryKindOfBlock() => new(ReplyKind.Confirmation, ReplyAudience.Channel,
    [
        new HeadingBlock("🎉 Kudos <b>sent</b> #1"),
        new Core.Replies.TextBlock(RichText.Of(new MentionSpan("bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb", "Bo \"the\" Chen"), " thanks ",
            new StrongSpan("*fixing* the build"), " and ", new MentionSpan("bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb", "Bo \"the\" Chen"))),
        new Core.Replies.TextBlock(RichText.Of("See https://example.com/runbook?a=1&b=2. or ", new LinkSpan("/me?token=abc", "your page"), "",
            new CodeSpan("learned undo"))),
        new NoteBlock(RichText.Of("You have ", new StrongSpan("4"), " left, ask ", new MentionSpan("aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa", "Ann"))),
        new NoteBlock(RichText.Of("small print ", new LinkSpan("https://example.com/x", "docs"))),
        new ListBlock([new ListItem(RichText.Of("How do I rotate keys?"), "shared by Ann · 2026-11-30"), new ListItem(RichText.Of(new StrongSpan("1. first")))]),
        new FactsBlock([new Core.Replies.Fact("Streak", "3 weeks"), new Core.Replies.Fact("*Time*", "1h 30m")]),
        new ActionsBlock([new ReplyAction("This helped", "helped 0193f0c2"),
            new ReplyAction("Edit", "learned edit 0193f0c2") { AsksFor = new TextPrompt("New text", "how to read EXPLAIN\nline 2") }]),
    ]);

    [Test]
    public void The_card_is_the_json_the_jobject_renderer_made()
    {
        var card = AdaptiveCardRenderer.RenderCard(EveryKindOfBlock());

        var written = JsonNode.Parse(card.Json);
        Assert.That(JsonNode.DeepEquals(written, JsonNode.Parse(Golden)), Is.True, $"written:\n{written}");
        Assert.That(card.FallbackText, Is.EqualTo(written!["fallbackText"]!.GetValue<string>()));
        Assert.That(card.FallbackText, Is.EqualTo(PlainTextRenderer.Render(EveryKindOfBlock())));
    }

    [Test]
    public void Accented_letters_stay_text_and_quotes_are_escaped()
    {
        var json = AdaptiveCardRenderer.RenderCard(EveryKindOfBlock()).Json;

        // Relaxed escaping: "·" as Newtonsoft wrote it, not \u00B7; a quote in a name is still escaped; an emoji (outside
        // the BMP) is a \u surrogate pair, which every JSON reader reads as the same character (the golden test parses it).
        Assert.That(json, Does.Contain("Ann · 2026").And.Contain("""Bo \"the\" Chen""").And.Not.Contain("\\u00B7"));
        Assert.That(JsonNode.Parse(json)!["body"]![0]!["text"]!.GetValue<string>(), Does.StartWith("🎉 Kudos"));
    }
}
