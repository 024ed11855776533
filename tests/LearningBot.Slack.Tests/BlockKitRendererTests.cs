using System.Text.Json.Nodes;
using LearningBot.Core.Replies;
using LearningBot.Slack.Adapter;
using LearningBot.Slack.Rendering;

namespace LearningBot.Slack.Tests;

public sealed class BlockKitRendererTests
{
    [Test]
    public void Escapes_user_text_and_renders_mentions_strong_and_code()
    {
        var reply = new BotReply(ReplyKind.Kudos, ReplyAudience.Channel,
        [
            new HeadingBlock("🎉 Kudos!"),
            new TextBlock(RichText.Of(new MentionSpan("UANN", "ann"), " thanks ", new MentionSpan("<!channel>", "x"),
                " for ", new StrongSpan("a <b> & c"), " ", new CodeSpan("<@U999>"), " <!here> &amp;")),
            new NoteBlock("note > 1"),
        ]);

        var message = BlockKitRenderer.Render(reply);
        var blocks = message.Blocks;

        Assert.That(blocks[0]!["type"]!.GetValue<string>(), Is.EqualTo("header"));
        Assert.That(blocks[0]!["text"]!["type"]!.GetValue<string>(), Is.EqualTo("plain_text"));
        var section = blocks[1]!["text"]!["text"]!.GetValue<string>();
        Assert.That(section, Is.EqualTo("<@UANN> thanks @x for *a &lt;b&gt; &amp; c* `&lt;@U999&gt;` &lt;!here&gt; &amp;amp;"));
        Assert.That(blocks[2]!["type"]!.GetValue<string>(), Is.EqualTo("context"));
        Assert.That(blocks[2]!["elements"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("note &gt; 1"));
        Assert.That(message.Text, Does.Not.Contain("<!here>"));
    }

    [Test]
    public void Keeps_within_slacks_limits()
    {
        var many = Enumerable.Range(0, 80).Select(i => (ReplyBlock)new TextBlock($"paragraph {i}")).ToList();
        many.Add(new TextBlock(new string('a', 7000)));
        many.Insert(0, new HeadingBlock(new string('h', 400)));
        var message = BlockKitRenderer.Render(new BotReply(ReplyKind.Help, ReplyAudience.Requester, many));

        Assert.That(message.Blocks.Count, Is.EqualTo(BlockKitRenderer.MaxBlocks));
        Assert.That(message.Blocks[0]!["text"]!["text"]!.GetValue<string>().Length, Is.LessThanOrEqualTo(150));
        Assert.That(message.Blocks.Last()!["type"]!.GetValue<string>(), Is.EqualTo("context"));
        Assert.That(message.Text.Length, Is.LessThanOrEqualTo(40000));

        var huge = BlockKitRenderer.Render(new BotReply(ReplyKind.Help, ReplyAudience.Requester, [new TextBlock(string.Join("\n", Enumerable.Repeat(new string('b', 1000), 7)))]));
        Assert.That(huge.Blocks.Select(b => b!["text"]!["text"]!.GetValue<string>().Length), Has.All.LessThanOrEqualTo(3000));
        Assert.That(huge.Blocks.Count, Is.GreaterThan(1));
    }

    [Test]
    public void Buttons_carry_the_shared_grammar_command()
    {
        var message = BlockKitRenderer.Render(new BotReply(ReplyKind.SearchResults, ReplyAudience.Requester,
            [new ActionsBlock([new ReplyAction("This helped: keys", "helped abc123"), new ReplyAction("Other", "helped def")])]));

        var elements = message.Blocks[0]!["elements"]!.AsArray();
        Assert.That(elements.Select(e => e!["value"]!.GetValue<string>()), Is.EqualTo(new[] { "helped abc123", "helped def" }));
        Assert.That(elements.Select(e => e!["action_id"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void Normalises_slack_mentions_and_unescapes_text()
    {
        var (text, mentions) = SlackText.Normalise("<@U123|bo> and <@W456> for fixing a &lt;div&gt; &amp; <#C1|general> <https://x.io|docs>");

        Assert.That(text, Is.EqualTo("<@U123> and <@W456> for fixing a <div> & #general docs (https://x.io)"));
        Assert.That(mentions, Is.EqualTo(new[] { new LearningBot.Core.Commands.MentionedMember("U123", "bo") }));
        Assert.That(SlackText.StripLeadingMention("<@UBOT> learned x", null), Is.EqualTo("learned x"));
    }

    // Slack escapes what people type (https://api.slack.com/reference/surfaces/formatting#escaping): whatever decoding
    // produces, and whatever sits next to markup, never forms the grammar's <@id> mention token.
    [TestCase("&lt;@U3&gt; thanks", "@U3> thanks")]
    [TestCase("&lt;&lt;@U3&gt;&gt;", "@U3>>")]
    [TestCase("&lt;<!here>&gt;", "@here>")]
    [TestCase("&lt;<!subteam^S1|@ops>&gt;", "@ops>")]
    [TestCase("&lt;<https://x.io|@U3>&gt;", "@U3 (https://x.io)>")]
    [TestCase("<https://x.io|&lt;@U3&gt;>", "@U3> (https://x.io)")]
    [TestCase("\uFF1C@U3&gt; and &lt;\uFF20U3&gt;", "@U3> and @U3>")]
    [TestCase("&lt;\u200B@U3&gt; &lt;\u2060\uFEFF@U4&gt;", "@U3> @U4>")]
    [TestCase("\uFF1C\u200B\uFF20U3\uFF1E", "@U3>")]
    [TestCase("&amp;lt;@U3&amp;gt;", "&lt;@U3&gt;")]
    public void Typed_mention_syntax_never_becomes_a_mention(string slackText, string expected)
    {
        var (text, mentions) = SlackText.Normalise(System.Text.RegularExpressions.Regex.Unescape(slackText));

        Assert.That(text, Is.EqualTo(System.Text.RegularExpressions.Regex.Unescape(expected)));
        Assert.That(mentions, Is.Empty);
        // The shared grammar agrees: a kudos with only this text thanks nobody.
        var parsed = new LearningBot.Core.Commands.CommandParser().Parse("kudos " + text + " for the help");
        Assert.That(parsed, Is.TypeOf<LearningBot.Core.Commands.ParseFailure>());
        Assert.That(((LearningBot.Core.Commands.ParseFailure)parsed).Problem, Does.StartWith("Mention the people"));
    }

    [TestCase("<#C0PG|postgres>", "#postgres")]
    [TestCase("<#C0PG>", "C0PG")]
    [TestCase("<#C0PG|>", "C0PG")]
    [TestCase("<!subteam^S0OPS|@ops>", "@ops")]
    [TestCase("<!subteam^S0OPS>", "@S0OPS")]
    [TestCase("<!here> <!channel> <!everyone> <!here|here>", "@here @channel @everyone @here")]
    [TestCase("<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014")]
    [TestCase("<https://x.io/a?b=1&amp;c=2|Q&amp;A>", "Q&A (https://x.io/a?b=1&c=2)")]
    [TestCase("<https://x.io/a>", "https://x.io/a")]
    [TestCase("<https://x.io/a|https://x.io/a>", "https://x.io/a")]
    [TestCase("<mailto:ann@example.com|ann@example.com>", "ann@example.com")]
    [TestCase("<@U0BO|dee &amp; co>", "<@U0BO>")]
    public void Slack_markup_becomes_readable_text(string slackText, string expected)
    {
        Assert.That(SlackText.Normalise(slackText).Text, Is.EqualTo(expected));
    }

    [Test]
    public void A_mention_keeps_its_decoded_name_and_readable_text_shows_names_not_tokens()
    {
        Assert.That(SlackText.Normalise("<@U0BO|dee &amp; co>").Mentions.Single().DisplayName, Is.EqualTo("dee & co"));
        Assert.That(SlackText.Readable("ask <@U0BO|bo> or <@U0CY> &amp; &lt;@U3&gt;"), Is.EqualTo("ask @bo or @U0CY & @U3>"));
        Assert.That(SlackText.Typed("for <@U3> and <<@U4>"), Is.EqualTo("for @U3> and @U4>"));
    }

    [Test]
    public void Kudos_modal_values_become_one_kudos_command_or_field_errors()
    {
        var values = JsonNode.Parse("""
            {"receivers":{"users":{"type":"multi_users_select","selected_users":["UBO","UCY"]}},
             "reason":{"text":{"type":"plain_text_input","value":"pairing on\nthe migration"}},
             "value":{"text":{"type":"plain_text_input","value":"#mentoring"}}}
            """);
        Assert.That(SlackModals.ReadKudos(values).Text, Is.EqualTo("kudos <@UBO> <@UCY> for pairing on the migration #mentoring"));

        var empty = JsonNode.Parse("""{"receivers":{"users":{"selected_users":[]}},"reason":{"text":{"value":"  "}},"value":{"text":{"value":"two words"}}}""");
        var (text, errors) = SlackModals.ReadKudos(empty);
        Assert.That(text, Is.Null);
        Assert.That(errors!.Select(e => e.Key), Is.EquivalentTo(new[] { "receivers", "reason", "value" }));
    }
}
