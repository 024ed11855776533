using System.Text.Json.Nodes;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;
using LearningBot.Core.Settings;
using LearningBot.Core.Time;
using LearningBot.Slack.Api;
using LearningBot.Slack.Rendering;

namespace LearningBot.Slack.Adapter;

/// <summary>
/// The App Home tab: the person's recent learnings (their private ones too, marked: Slack shows a user's Home tab to that
/// user alone), kudos they received, and the team's most helpful answers.
/// </summary>
public sealed class SlackAppHome(ILearningRepository learnings, IKudosRepository kudos, IKnowledgeRepository knowledge,
    IMemberRepository members, ITeamSettingsRepository settings, ISlackApi slack, TimeProvider time)
{
    private const int Shown = 5;
    private static readonly TimeSpan KudosHorizon = TimeSpan.FromDays(90);

    public async Task PublishAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var home = await BuildAsync(teamId, userId, cancellationToken);
        var view = new JsonObject
        {
            ["type"] = "home",
            ["blocks"] = BlockKitRenderer.Render(home).Blocks,
        };
        await slack.CallAsync(teamId, "views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view }, cancellationToken);
    }

    public async Task<BotReply> BuildAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var zone = TeamClock.FindOrUtc((await settings.GetAsync(teamId, cancellationToken)).TimeZoneId);
        var mine = await learnings.ListAsync(new LearningQuery(teamId, userId, null, Shown) { IncludePrivate = true }, cancellationToken);
        var received = (await kudos.ListSinceAsync(teamId, now - KudosHorizon, 500, cancellationToken))
            .Where(g => g.ReceiverIds.Contains(userId)).Take(Shown).ToList();
        var top = await knowledge.ListMostHelpfulAsync(teamId, Shown, cancellationToken);
        var names = await members.GetDisplayNamesAsync(teamId,
            received.Select(g => g.GiverId).Concat(top.Select(p => p.AuthorId)).Distinct().ToList(), cancellationToken);
        MentionSpan Person(string id) => new(id, names.TryGetValue(id, out var name) ? name : id);

        var blocks = new List<ReplyBlock> { new HeadingBlock("Your recent learnings") };
        blocks.Add(mine.Count == 0
            ? new TextBlock(RichText.Of("Nothing logged yet. Try ", new CodeSpan("/learned how to read EXPLAIN plans #postgres 30m"),
                " — or just send me a message here."))
            : new ListBlock(mine.Select(e => new ListItem(e.Text,
                string.Join(" · ", new[] { Reply.Date(e.CreatedAt, zone), Reply.Tags(e.Tags), e.IsPrivate ? "private" : string.Empty }
                    .Where(s => s.Length > 0)))).ToList()));

        blocks.Add(new HeadingBlock("Kudos you received"));
        blocks.Add(received.Count == 0
            ? new TextBlock("None in the last 90 days yet — helping someone out is the quickest way to change that.")
            : new ListBlock(received.Select(g => new ListItem(RichText.Of(Person(g.GiverId), ": ", g.Reason),
                Reply.Date(g.CreatedAt, zone) + (g.Value is null ? string.Empty : " · #" + g.Value))).ToList()));

        blocks.Add(new HeadingBlock("The team's most helpful answers"));
        blocks.Add(top.Count == 0
            ? new TextBlock(RichText.Of("No shared answers yet. Write one down with ", new CodeSpan("/learnbot share <question> :: <answer>")))
            : new ListBlock(top.Select(p => new ListItem(RichText.Of(new StrongSpan(p.Question), " — ", Reply.Excerpt(p.Answer, 120)),
                $"by {Person(p.AuthorId).DisplayName} · helped {Reply.Plural(p.HelpfulCount, "person", "people")}")).ToList()));
        blocks.Add(new NoteBlock(RichText.Of("Every command: ", new CodeSpan("/learnbot help"))));
        return new BotReply(ReplyKind.Learnings, ReplyAudience.Requester, blocks);
    }
}
