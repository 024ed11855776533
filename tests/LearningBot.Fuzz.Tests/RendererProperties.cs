using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using LearningBot.Core.Replies;
using LearningBot.Slack.Rendering;
using LearningBot.Teams.Cards;
using Newtonsoft.Json.Linq;

namespace LearningBot.Fuzz.Tests;

/// <summary>
/// Names and reasons are user input: whatever they contain, Slack mrkdwn and Teams card markdown show them as
/// text. Nothing typed can ping a channel, fake a mention, make a link or change formatting outside its span.
/// </summary>
[TestFixture]
public sealed partial class RendererProperties
{
    /// <summary>Every kind of block and span, each carrying hostile text, plus one real mention and one real link.</summary>
    private static BotReply HostileReply(string name, string reason) => new(ReplyKind.Kudos, ReplyAudience.Channel,
    [
        new HeadingBlock(name),
        new TextBlock(RichText.Of(new PlainSpan(reason), new MentionSpan("UREAL1", name), new PlainSpan(" thanks "),
            new MentionSpan("not a slack id " + name, name), new StrongSpan(name), new CodeSpan(reason))),
        new TextBlock(RichText.Of(new PlainSpan(name), new StrongSpan(reason), new LinkSpan(name, "https://links.test/d?x=" + Uri.EscapeDataString(reason)))),
        new ListBlock([new ListItem(RichText.Of(new PlainSpan(reason), new MentionSpan("UREAL2", name)), name), new ListItem(reason, reason)]),
        new FactsBlock([new Fact(name, reason)]),
        new NoteBlock(RichText.Of(new PlainSpan(name), new StrongSpan(reason))),
        new ActionsBlock([new ReplyAction(name, "helped " + reason)]),
    ]);

    [FsCheck.NUnit.Property(MaxTest = 500, Arbitrary = [typeof(Arbs)])]
    public Property Slack_mrkdwn_has_no_markup_but_ours(string name, string reason)
    {
        var problems = SlackProblems(name, reason);
        return (problems.Count == 0).Label(string.Join("\n", problems));
    }

    private static List<string> SlackProblems(string name, string reason)
    {
        var message = BlockKitRenderer.Render(HostileReply(name, reason));
        var problems = new List<string>();
        foreach (var mrkdwn in MrkdwnTexts(message.Blocks).Append(message.Text))
        {
            // Our own tokens: real user mentions and the link; everything else must be escaped.
            var rest = OurSlackTokens().Replace(mrkdwn, string.Empty);
            if (rest.IndexOfAny(['<', '>']) >= 0)
            {
                problems.Add("raw angle bracket: " + mrkdwn);
            }

            if (BareAmpersand().IsMatch(rest))
            {
                problems.Add("unescaped &: " + mrkdwn);
            }
        }

        var links = MrkdwnTexts(message.Blocks).SelectMany(t => SlackLink().Matches(t)).Select(m => m.Value).ToList();
        if (links.Count != 1 || !links[0].StartsWith("<https://links.test/d?x=", StringComparison.Ordinal))
        {
            problems.Add("links: " + string.Join(" ", links));
        }

        return problems;
    }

    [FsCheck.NUnit.Property(MaxTest = 500, Arbitrary = [typeof(Arbs)])]
    public Property Slack_shows_the_typed_text_back_unchanged(string name, string reason)
    {
        // A plain paragraph round-trips: unescaping the mrkdwn gives exactly what was typed (bar Slack's length limits).
        var reply = new BotReply(ReplyKind.Confirmation, ReplyAudience.Requester, [new TextBlock(RichText.Of(new PlainSpan(name + reason)))]);
        var shown = string.Join("\n", MrkdwnTexts(BlockKitRenderer.Render(reply).Blocks)).Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
        // Leading blank lines are dropped (Slack would trim them too); everything else comes back as typed.
        return (shown == (name + reason).TrimStart('\n') || (name + reason).Length > BlockKitRenderer.MaxSectionText).Label($"shown: {shown}");
    }

    [FsCheck.NUnit.Property(MaxTest = 500, Arbitrary = [typeof(Arbs)])]
    public Property Teams_card_markdown_has_no_markup_but_ours(string name, string reason)
    {
        var problems = TeamsProblems(name, reason);
        return (problems.Count == 0).Label(string.Join("\n", problems));
    }

    private static string AsUtf8CarriesIt(string text) => System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    private static List<string> TeamsProblems(string name, string reason)
    {
        var card = AdaptiveCardRenderer.Render(HostileReply(name, reason));
        var ours = card["msteams"]?["entities"]?.Select(e => (string)e["text"]!).ToList() ?? [];
        var problems = new List<string>();
        foreach (var block in card.Descendants().OfType<JObject>())
        {
            var type = (string?)block["type"];
            // TextRun/Action titles are never markdown; TextBlock text and FactSet facts are.
            var markdown = type switch
            {
                "TextBlock" => [(string?)block["text"]],
                "FactSet" => block["facts"]!.SelectMany(f => new[] { (string?)f["title"], (string?)f["value"] }),
                _ => [],
            };
            foreach (var text in markdown.OfType<string>())
            {
                var rest = text;
                foreach (var at in ours)
                {
                    rest = rest.Replace(at, string.Empty, StringComparison.Ordinal);
                }

                if (type == "TextBlock" && block["style"] is null)
                {
                    rest = rest.Replace("**", string.Empty, StringComparison.Ordinal); // our own strong spans
                }

                var unescaped = UnescapedMarkdown(rest);
                if (unescaped is not null)
                {
                    problems.Add($"unescaped '{unescaped}' in: {text}");
                }

                if (MarkdownLineStart().IsMatch(rest))
                {
                    problems.Add("list marker at a line start: " + text);
                }
            }
        }

        // Only the two real mentions became mention entities, each with its real id — as UTF-8 JSON can carry it: a lone
        // surrogate (invalid UTF-16) reaches Teams as U+FFFD, as it did when Newtonsoft's text was UTF-8-encoded for the request.
        var ids = card["msteams"]?["entities"]?.Select(e => (string)e["mentioned"]!["id"]!).ToHashSet() ?? [];
        if (!ids.SetEquals(["UREAL1", "UREAL2", AsUtf8CarriesIt("not a slack id " + name)]))
        {
            problems.Add("mention entities: " + string.Join(", ", ids));
        }

        foreach (var at in ours)
        {
            if (!at.StartsWith("<at>", StringComparison.Ordinal) || !at.EndsWith("</at>", StringComparison.Ordinal)
                || at[4..^5].Contains('<') || at[4..^5].Contains('>'))
            {
                problems.Add("mention text: " + at);
            }
        }

        return problems;
    }

    [TestCase("<!channel>")]
    [TestCase("<@U123>")]
    [TestCase("*bold*")]
    [TestCase("[x](http://evil)")]
    [TestCase("<at>x</at>")]
    [TestCase("1. first\n2. second")]
    public void The_named_hostile_names_are_shown_literally(string name)
    {
        Assert.That(SlackProblems(name, name + " reason"), Is.Empty);
        Assert.That(TeamsProblems(name, name + " reason"), Is.Empty);
        var slack = string.Join("\n", MrkdwnTexts(BlockKitRenderer.Render(HostileReply(name, "r")).Blocks));
        Assert.That(slack, Does.Not.Contain("<!channel>").And.Not.Contain("<@U123>").And.Not.Contain("<at>"));
    }

    [Test]
    public void A_numbered_line_is_not_turned_into_a_teams_list()
    {
        var card = AdaptiveCardRenderer.Render(new BotReply(ReplyKind.Confirmation, ReplyAudience.Requester,
            [new HeadingBlock("1. first\n 2) second\n\t- third")]));
        Assert.That((string)card["body"]![0]!["text"]!, Is.EqualTo("1\\. first\n 2\\) second\n\t\\- third"));
    }

    /// <summary>The first markdown-significant character not escaped by a backslash or as an entity, or null.</summary>
    private static string? UnescapedMarkdown(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++; // the next character is escaped
                    break;
                case '<' or '>' or '*' or '_' or '[' or ']' or '`' or '~':
                    return text[i].ToString();
            }
        }

        return null;
    }

    private static IEnumerable<string> MrkdwnTexts(JsonNode? node) => node switch
    {
        JsonObject obj when (string?)obj["type"] == "mrkdwn" => [(string)obj["text"]!],
        JsonObject obj => obj.SelectMany(p => MrkdwnTexts(p.Value)),
        JsonArray array => array.SelectMany(MrkdwnTexts),
        _ => [],
    };

    [GeneratedRegex(@"<@UREAL[12]>|<https://links\.test/[^<>|\s]*\|[^<>|]*>")]
    private static partial Regex OurSlackTokens();

    [GeneratedRegex(@"<https?://[^>]*>")]
    private static partial Regex SlackLink();

    [GeneratedRegex("&(?!amp;|lt;|gt;)")]
    private static partial Regex BareAmpersand();

    /// <summary>An unescaped list marker (<c>- </c>, <c>+ </c>, <c>* </c>, <c>1. </c>) starting a line.</summary>
    [GeneratedRegex(@"(?m)^[ \t]*(?:[-+*]|\d+\.)[ \t]")]
    private static partial Regex MarkdownLineStart();

    public static class Arbs
    {
        public static Arbitrary<string> Strings() => HostileText.NameArb();
    }
}
