using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Members;

/// <summary>Turns user ids into mentions with display names: names the platform sent win, then stored names.</summary>
public sealed class PeopleNames(IMemberRepository members)
{
    public async Task<Func<string, MentionSpan>> ResolveAsync(CommandContext context, IEnumerable<string> userIds,
        CancellationToken cancellationToken)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        var names = new Dictionary<string, string>(await members.GetDisplayNamesAsync(context.TeamId, ids, cancellationToken),
            StringComparer.Ordinal);
        foreach (var mention in context.Message.Mentions)
        {
            names[mention.UserId] = mention.DisplayName;
        }

        names[context.UserId] = context.Message.UserName;
        return id => new MentionSpan(id, names.TryGetValue(id, out var name) ? name : id);
    }
}
