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

        Assert.That(text, Is.EqualTo("<@U123> and <@W456> for fixing a <div> & general docs"));
        Assert.That(mentions, Is.EqualTo(new[] { new LearningBot.Core.Commands.MentionedMember("U123", "bo") }));
        Assert.That(SlackText.StripLeadingMention("<@UBOT> learned x", null), Is.EqualTo("learned x"));
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
