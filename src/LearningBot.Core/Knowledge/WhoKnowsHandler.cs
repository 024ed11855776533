using LearningBot.Core.Commands;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Members;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Finds people from what they shared, learned and were thanked for: the peer-learning map. The same matching as <c>ask</c>: the
/// topic's vector goes with the search (so "k8s networking" finds "Kubernetes network policies" where the index is semantic), and hits
/// found by meaning alone whose similarity is below the model's <see cref="SimilarityThresholds.Relevant"/> are not about the topic (a semantic index
/// always has nearest neighbours). Private learnings are not in the search index, so they never name their author here.
/// </summary>
public sealed class WhoKnowsHandler(ISearchIndex search, PeopleNames people, IQueryEmbedder? embedder = null) : CommandHandler<WhoKnowsCommand>
{
    private readonly IQueryEmbedder _embedder = embedder ?? NoQueryEmbedder.Instance;

    private const int PeopleShown = 5;

    protected override async Task<BotReply> HandleAsync(WhoKnowsCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var topic = Abbreviations.Expand(command.Topic);
        var hits = await WhoKnowsRanking.SearchAsync(search, context.TeamId, topic,
            await _embedder.EmbedAsync(topic, cancellationToken), _embedder.Thresholds.Relevant, cancellationToken);
        var ranked = WhoKnowsRanking.Rank(hits)
            .Take(PeopleShown)
            .ToList();

        if (ranked.Count == 0)
        {
            var nobody = new List<ReplyBlock>
            {
                new HeadingBlock($"Who knows {Reply.Excerpt(command.Topic, 60)}?"),
                new TextBlock("Nobody has written about that yet. Be the first to share what you know, or ask in the channel."),
            };
            if (TopicTag(command.Topic) is { } tag)
            {
                nobody.Add(new NoteBlock(RichText.Of("Try ", new CodeSpan("learned <what you found out> #" + tag))));
            }

            return Reply.Notice(ReplyKind.People, nobody.ToArray());
        }

        var mention = await people.ResolveAsync(context, ranked.Select(p => p.PersonId), cancellationToken);
        var items = ranked.Select(p => new ListItem(RichText.Of(mention(p.PersonId)), string.Join(", ", new[]
        {
            p.Shared > 0 ? $"shared {Reply.Plural(p.Shared, "answer")}" : null,
            p.Learned > 0 ? $"learned {Reply.Plural(p.Learned, "thing")}" : null,
            p.Thanked > 0 ? $"thanked {Reply.Plural(p.Thanked, "time")}" : null,
        }.OfType<string>()))).ToList();

        return Reply.Notice(ReplyKind.People,
            new HeadingBlock($"Who knows {Reply.Excerpt(command.Topic, 60)}?"),
            new ListBlock(items),
            new NoteBlock("Based on what people shared, learned and were thanked for."));
    }

    /// <summary>
    /// A tag to suggest: the topic's first content word ("who knows k8s networking" → <c>#k8s</c>), never a mention id or an emoji
    /// name glued into one long word; null when no word would make a tag <see cref="Commands.Grammar.ExtractTags"/> reads back.
    /// </summary>
    private static string? TopicTag(string topic) =>
        SearchTerms.Words(Commands.Grammar.WithoutMarkup(topic), max: 1) is [var word] && word.Length <= 40
            && Commands.Grammar.ExtractTags("#" + word) is [var tag] && tag == word
            ? word
            : null;
}
