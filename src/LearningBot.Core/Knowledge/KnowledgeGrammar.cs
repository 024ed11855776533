using System.Text.RegularExpressions;
using LearningBot.Core.Commands;
using static LearningBot.Core.Commands.Grammar;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// <c>share &lt;question&gt; :: &lt;answer&gt; [#tag …]</c>, <c>ask &lt;question&gt;</c>, <c>who knows &lt;topic&gt;</c>, and the
/// words behind the search results' buttons: <c>show &lt;post id&gt;</c> ("Open"), <c>helped &lt;post id&gt; [&lt;question id&gt;]</c>
/// ("This helped") and <c>notit &lt;post id&gt; &lt;question id&gt;</c> ("Not it").
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

    public static readonly CommandUsage ShareEditUsage = new("share edit",
        "share edit <id> <question> :: <answer> [#tag …] | share delete <id>",
        "share edit 0193f0c2a1b47c3d9e8f00112233aabb How do I rotate staging keys? :: make rotate-keys ENV=staging #ops",
        "Correct or remove a shared answer (whoever shared it, and team admins).");

    public IReadOnlyList<string> Keywords { get; } = ["share", "ask", "who", "show", "helped", "notit"];

    public IReadOnlyList<CommandUsage> Usages { get; } = [ShareUsage, ShareEditUsage, AskUsage, WhoKnowsUsage];

    public ParseResult Parse(string keyword, string arguments) => keyword switch
    {
        "share" => ParseShare(arguments),
        "ask" => !HasWords(arguments)
            ? Fail("What would you like to know?", AskUsage)
            : SearchTerms.HasContentWord(arguments)
                ? new Parsed(new AskCommand(arguments))
                : Fail($"\"{Shorten(arguments.Trim(), 40)}\" is too general to search for — add a word or two about the topic.", AskUsage),
        "who" => ParseWho(arguments),
        "show" => PostIdRegex().IsMatch(arguments)
            ? new Parsed(new ShowAnswerCommand(arguments))
            : Fail("That button points at an answer I can't find.", AskUsage),
        "notit" => SplitFirstWord(arguments) is var (post, question) && PostIdRegex().IsMatch(post) && PostIdRegex().IsMatch(question)
            ? new Parsed(new NotItCommand(post, question))
            : Fail("That button points at an answer I can't find.", AskUsage),
        _ => SplitFirstWord(arguments) is var (postId, questionId) && PostIdRegex().IsMatch(postId)
                                                                    && (questionId.Length == 0 || PostIdRegex().IsMatch(questionId))
            ? new Parsed(new MarkHelpfulCommand(postId) { QuestionId = questionId.Length == 0 ? null : questionId })
            : Fail("That button points at an answer I can't find.", AskUsage),
    };

    private static ParseResult ParseShare(string arguments)
    {
        // "share owner <id> @person" hands an answer over; with "::" it is an answer about owners.
        var (verb, afterVerb) = SplitFirstWord(arguments);
        if (verb.Equals("owner", StringComparison.OrdinalIgnoreCase) && !arguments.Contains("::", StringComparison.Ordinal))
        {
            return AnswerReviewGrammar.ParseOwner(afterVerb);
        }

        // "share edit <id> …" / "share delete <id>" only with an id: "share edit: how do I …? :: …" is a new answer.
        var (id, rest) = SplitFirstWord(afterVerb);
        if (Learnings.LearningEdits.IsId(id) && verb.Equals("delete", StringComparison.OrdinalIgnoreCase))
        {
            return rest.Length == 0
                ? new Parsed(new DeleteShareCommand(id.ToLowerInvariant()))
                : Fail("\"share delete\" takes only the answer's id.", ShareEditUsage);
        }

        if (Learnings.LearningEdits.IsId(id) && verb.Equals("edit", StringComparison.OrdinalIgnoreCase))
        {
            return ParseQuestionAndAnswer(rest) switch
            {
                Parsed { Command: ShareCommand changed } => new Parsed(new EditShareCommand(id.ToLowerInvariant(), changed)),
                ParseFailure failure => failure with { Usage = ShareEditUsage.Usage, Example = ShareEditUsage.Example },
                var other => other,
            };
        }

        return ParseQuestionAndAnswer(arguments);
    }

    private static ParseResult ParseQuestionAndAnswer(string arguments)
    {
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

        if (!HasWords(question))
        {
            return Fail("The question part is empty.", ShareUsage);
        }

        if (!HasWords(answer))
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
        if (!HasWords(topic))
        {
            return Fail("Which topic should I look for?", WhoKnowsUsage);
        }

        // "who knows the" would name everyone who ever wrote "the".
        return SearchTerms.HasContentWord(topic)
            ? new Parsed(new WhoKnowsCommand(topic))
            : Fail($"\"{Shorten(topic.Trim(), 40)}\" is too general — which topic should I look for?", WhoKnowsUsage);
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-]{1,64}$")]
    private static partial Regex PostIdRegex();
}
