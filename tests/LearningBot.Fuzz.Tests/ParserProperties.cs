using FsCheck;
using FsCheck.Fluent;
using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;

namespace LearningBot.Fuzz.Tests;

/// <summary>The one grammar under random and hostile text: always an answer, never an exception, never an empty command.</summary>
[TestFixture]
public sealed class ParserProperties
{
    private static readonly CommandParser Parser = new();

    [FsCheck.NUnit.Property(MaxTest = 2000, Arbitrary = [typeof(Arbs)])]
    public Property Any_text_parses_to_a_command_or_a_friendly_failure(string text)
    {
        var result = Parser.Parse(text);
        return result switch
        {
            ParseFailure f => (!string.IsNullOrWhiteSpace(f.Problem) && !string.IsNullOrWhiteSpace(f.Usage) && !string.IsNullOrWhiteSpace(f.Example))
                .Label($"failure texts non-empty: {f}"),
            Parsed p => HasRequiredParts(p.Command).Label($"required parts present: {p.Command}"),
            _ => false.Label("neither Parsed nor ParseFailure"),
        };
    }

    [FsCheck.NUnit.Property(MaxTest = 3000, Arbitrary = [typeof(CommandArbs)])]
    public Property Text_starting_with_a_command_word_parses_to_a_command_or_a_friendly_failure(string text) =>
        Any_text_parses_to_a_command_or_a_friendly_failure(text);

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Arbitrary_unicode_never_throws(string? text)
    {
        var result = Parser.Parse(text);
        _ = CommandParser.StartsWithCommand(text);
        return (result is Parsed or ParseFailure).ToProperty();
    }

    [Test]
    public void Very_long_and_pathological_inputs_answer_quickly()
    {
        // Regex-heavy grammars are where catastrophic backtracking hides: these must stay fast.
        string[] inputs =
        [
            "learned " + string.Concat(Enumerable.Repeat("#a ", 1500)),
            "learned x" + string.Concat(Enumerable.Repeat(" 2h", 1300)),
            "kudos " + string.Concat(Enumerable.Repeat("<@U1> ", 600)) + "for it",
            "kudos " + string.Concat(Enumerable.Repeat("<@", 1900)),
            "share " + string.Concat(Enumerable.Repeat(":", 3990)),
            "prompt set " + string.Concat(Enumerable.Repeat("mon,", 900)) + " 09:30",
            "ask " + string.Concat(Enumerable.Repeat("\"NEAR(", 600)),
            new string('\u202e', 5000),
            "learned " + new string('x', 100_000),
        ];
        foreach (var input in inputs)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = Parser.Parse(input);
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)), input[..20]);
            Assert.That(result, Is.InstanceOf<Parsed>().Or.InstanceOf<ParseFailure>());
        }
    }

    private static bool HasRequiredParts(BotCommand command) => command switch
    {
        LogLearningCommand c => NotBlank(c.Text) && c.Tags.All(NotBlank) && c.Minutes is null or (>= 1 and <= LearnedGrammar.MaxMinutes),
        ListLearningsCommand c => c.Scope != LearningScope.Person || NotBlank(c.PersonId),
        GiveKudosCommand c => c.ReceiverIds.Count > 0 && c.ReceiverIds.All(NotBlank) && NotBlank(c.Reason) && (c.Value is null || NotBlank(c.Value)),
        ShareCommand c => NotBlank(c.Question) && NotBlank(c.Answer) && c.Tags.All(NotBlank),
        AskCommand c => NotBlank(c.Question),
        WhoKnowsCommand c => NotBlank(c.Topic),
        MarkHelpfulCommand c => NotBlank(c.PostId),
        SetPromptCommand c => c.Days.Count > 0 && (c.Question is null || NotBlank(c.Question)) && (c.TimeZoneId is null || NotBlank(c.TimeZoneId)),
        SettingsCommand { Change: TimeZoneChange t } => NotBlank(t.TimeZoneId),
        SettingsCommand { Change: KudosBudgetChange b } => b.WeeklyBudget >= 0,
        _ => true,
    };

    private static bool NotBlank(string? s) => !string.IsNullOrWhiteSpace(s);

    public static class Arbs
    {
        public static Arbitrary<string> Strings() => HostileText.TextArb();
    }

    public static class CommandArbs
    {
        public static Arbitrary<string> Strings() => HostileText.CommandArb();
    }
}
