using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// <c>share &lt;question&gt; :: &lt;answer&gt; [#tag …]</c>, <c>ask &lt;question&gt;</c>, <c>who knows &lt;topic&gt;</c>, and the
/// words behind the search results' buttons: <c>show &lt;post id&gt;</c> ("Open") and <c>helped &lt;post id&gt;</c> ("This helped").
/// </summary>
public sealed partial class KnowledgeGrammar : ICommandGrammar
{
    public static readonly CommandUsage ShareUsage = new("share",
        "share <question> :: <answer> [#tag …]",
        "share How do I rotate the staging keys? :: Run `make rotate-keys` from the ops repo #ops",
        "Write an answer down once so nobody has to ask again.");

    public static readonly CommandUsage AskUsage = new("ask",
        "ask <question>",
        "ask how do we rotate staging keys",
        "Search everything the team shared and learned.");

    public static readonly CommandUsage WhoKnowsUsage = new("who knows",
        "who knows <topic>",
        "who knows kubernetes",
        "Find people who shared, learned or were thanked for a topic.");

    public IReadOnlyList<string> Keywords { get; } = ["share", "ask", "who", "show", "helped"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [ShareUsage, AskUsage, WhoKnowsUsage];

    public ParseResult Parse(string keyword, string arguments) => keyword switch
    {
        "share" => ParseShare(arguments),
        "ask" => ContainsWordCharacter(arguments)
            ? new Parsed(new AskCommand(arguments))
            : Fail("What would you like to know?", AskUsage),
        "who" => ParseWho(arguments),
        "show" => PostIdRegex().IsMatch(arguments)
            ? new Parsed(new ShowAnswerCommand(arguments))
            : Fail("That button points at an answer I can't find.", AskUsage),
        _ => PostIdRegex().IsMatch(arguments)
            ? new Parsed(new MarkHelpfulCommand(arguments))
            : Fail("That button points at an answer I can't find.", AskUsage),
    };

    private static ParseResult ParseShare(string arguments)
    {
        // "share owner <id> @person" hands an answer over; with "::" it is an answer about owners.
        if (SplitFirstWord(arguments) is var (first, rest) && first.Equals("owner", StringComparison.OrdinalIgnoreCase)
            && !arguments.Contains("::", StringComparison.Ordinal))
        {
            return AnswerReviewGrammar.ParseOwner(rest);
        }

        var separator = arguments.IndexOf("::", StringComparison.Ordinal);
        if (separator < 0)
        {
            return Fail("Put \" :: \" between the question and the answer.", ShareUsage);
        }

        var question = arguments[..separator].Trim();
        var answer = arguments[(separator + 2)..].Trim();
        var tags = ExtractTags(arguments);
        while (TrailingTagRegex().Match(answer) is { Success: true } trailing)
        {
            answer = answer[..trailing.Index].TrimEnd();
        }

        if (!ContainsWordCharacter(question))
        {
            return Fail("The question part is empty.", ShareUsage);
        }

        if (!ContainsWordCharacter(answer))
        {
            return Fail("The answer part is empty.", ShareUsage);
        }

        return new Parsed(new ShareCommand(question, answer, tags));
    }

    private static ParseResult ParseWho(string arguments)
    {
        var (second, topic) = SplitFirstWord(arguments);
        if (!second.Equals("knows", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("I don't know the command \"who\" on its own.", WhoKnowsUsage);
        }

        topic = topic.TrimEnd('?', ' ');
        return ContainsWordCharacter(topic)
            ? new Parsed(new WhoKnowsCommand(topic))
            : Fail("Which topic should I look for?", WhoKnowsUsage);
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$")]
    private static partial Regex PostIdRegex();
}
