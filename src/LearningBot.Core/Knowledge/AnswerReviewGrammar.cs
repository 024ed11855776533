using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// <c>share owner &lt;post id&gt; @person</c> (reached through <c>share</c>, see <see cref="KnowledgeGrammar"/>) and the words behind a
/// review DM's buttons: <c>review ok|edit|retire &lt;post id&gt;</c>.
/// </summary>
public sealed partial class AnswerReviewGrammar : ICommandGrammar
{
    public static readonly CommandUsage OwnerUsage = new("share owner",
        "share owner <answer id> @person",
        "share owner 0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4 @bo",
        "Hand a shared answer over: its owner is asked to review it now and then (owner or admins).");

    public static readonly CommandUsage ReviewUsage = new("review",
        "review ok|edit|retire <answer id>",
        "review ok 0193a1b2c3d4e5f6a7b8c9d0e1f2a3b4",
        "Answer a review reminder: still right, edit, or retire the answer.");

    public IReadOnlyList<string> Keywords { get; } = ["review"];

    // Only share owner is listed in help: review is what the DM's buttons send.
    public IReadOnlyList<CommandUsage> Usages { get; } = [OwnerUsage];

    public ParseResult Parse(string keyword, string arguments)
    {
        var (verb, id) = SplitFirstWord(arguments);
        ReviewAction? action = verb.ToLowerInvariant() switch
        {
            "ok" or "confirm" => ReviewAction.StillRight,
            "edit" => ReviewAction.Edit,
            "retire" => ReviewAction.Retire,
            _ => null,
        };
        if (action is null)
        {
            return Fail("Say \"review ok\", \"review edit\" or \"review retire\" with the answer's id.", ReviewUsage);
        }

        return PostIdRegex().IsMatch(id)
            ? new Parsed(new ReviewAnswerCommand(action.Value, id))
            : Fail("That button points at an answer I can't find.", ReviewUsage);
    }

    /// <summary>The words after <c>share owner</c>: an answer id, then one @-mention.</summary>
    public static ParseResult ParseOwner(string arguments)
    {
        var (id, rest) = SplitFirstWord(arguments);
        if (!PostIdRegex().IsMatch(id))
        {
            return Fail("Start with the answer's id (the \"Open\" button and `show` give it).", OwnerUsage);
        }

        var mentions = MentionRegex().Matches(rest);
        if (mentions.Count != 1 || rest.Trim() != mentions[0].Value)
        {
            return Fail("Name exactly one person, as an @-mention.", OwnerUsage);
        }

        return new Parsed(new ChangeAnswerOwnerCommand(id, mentions[0].Groups["id"].Value));
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$")]
    private static partial Regex PostIdRegex();
}
