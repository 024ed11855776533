using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Members;

/// <summary>Turns user ids into mentions with display names: names the platform sent win, then stored names.</summary>
public sealed class PeopleNames(IMemberRepository members)
{
    public async Task<Func<string, MentionSpan>> ResolveAsync(CommandContext context, IEnumerable<string> userIds,
        CancellationToken cancellationToken)
    {
        // Names the message carries win anyway, so only the others are looked up: a kudos (receivers
        // mentioned, giver speaking) needs no store query at all, which saves a request on Cosmos.
        var fromMessage = context.Message.Mentions.Select(m => m.UserId).Append(context.UserId).ToHashSet(StringComparer.Ordinal);
        var ids = userIds.Distinct(StringComparer.Ordinal).Where(id => !fromMessage.Contains(id)).ToList();
        var names = new Dictionary<string, string>(
            ids.Count == 0 ? new Dictionary<string, string>() : await members.GetDisplayNamesAsync(context.TeamId, ids, cancellationToken),
            StringComparer.Ordinal);
        foreach (var mention in context.Message.Mentions)
        {
            names[mention.UserId] = mention.DisplayName;
        }

        names[context.UserId] = context.Message.UserName;
        return id => new MentionSpan(id, names.TryGetValue(id, out var name) ? name : id);
    }
}
