using LearningBot.Core.Commands;
using LearningBot.Core.Learnings;

namespace LearningBot.Tests.Commands;

/// <summary>
/// What people's keyboards and habits do to commands (issue "Real input"): macOS/iOS smart punctuation, other spaces,
/// full-width forms, options typed wrong, times and durations in everyday words, near-miss command words.
/// </summary>
public sealed class TypedInputTests
{
    private readonly CommandParser _parser = new();

    private T Parse<T>(string text) where T : BotCommand
    {
        var result = _parser.Parse(text);
        Assert.That(result, Is.TypeOf<Parsed>(), () => $"'{text}' failed: {(result as ParseFailure)?.Problem}");
        return (T)((Parsed)result).Command;
    }

    private ParseFailure Fail(string text)
    {
        var result = _parser.Parse(text);
        Assert.That(result, Is.TypeOf<ParseFailure>(), () => $"'{text}' unexpectedly parsed as {result}");
        return (ParseFailure)result;
    }

    [TestCase("learned —private how I prepared my salary talk")] // em dash: macOS/iOS "smart dashes" for --
    [TestCase("learned –private how I prepared my salary talk")] // en dash
    [TestCase("learned −−private how I prepared my salary talk")] // two minus signs
    [TestCase("learned ―private how I prepared my salary talk")] // horizontal bar
    [TestCase("learned --PRIVATE how I prepared my salary talk")]
    [TestCase("learned\u00A0--private\u00A0how I prepared my salary talk")] // no-break spaces
    [TestCase("ｌｅａｒｎｅｄ　－－ｐｒｉｖａｔｅ　how I prepared my salary talk")] // full-width forms and ideographic space
    [TestCase("learned how I prepared my salary talk --private")] // option typed last
    [TestCase("learned how I prepared my salary talk —private #career")]
    public void A_private_learning_stays_private_however_the_option_was_typed(string text)
    {
        var command = Parse<LogLearningCommand>(text);

        Assert.That(command.IsPrivate, Is.True);
        Assert.That(command.Text, Does.StartWith("how I prepared my salary talk"));
        Assert.That(command.Text, Does.Not.Contain("private"));
    }

    [TestCase("learned --privte how I prepared my salary talk", "--private")]
    [TestCase("learned -private how I prepared my salary talk", "--private")]
    [TestCase("learned --priv how I prepared my salary talk", "--private")]
    [TestCase("learned --secret how I prepared my salary talk", null)]
    [TestCase("share --private How do I rotate keys? :: make rotate-keys", null)]
    [TestCase("ask --private how do we rotate keys", null)]
    [TestCase("kudos --quiet <@bo> for the review", null)]
    public void An_option_that_is_not_understood_is_refused_never_published(string text, string? suggestion)
    {
        var failure = Fail(text);

        Assert.That(failure.Problem, Does.Contain("didn't save"));
        if (suggestion is not null)
        {
            Assert.That(failure.Problem, Does.Contain($"did you mean \"{suggestion}\""));
        }
    }

    [Test]
    public void A_dash_inside_a_sentence_and_a_short_dash_word_are_text()
    {
        Assert.That(Parse<LogLearningCommand>("learned that fast — really fast — builds matter").Text,
            Is.EqualTo("that fast — really fast — builds matter"));
        Assert.That(Parse<LogLearningCommand>("learned -v makes grep invert the match").Text, Is.EqualTo("-v makes grep invert the match"));
    }

    [Test]
    public void Curly_quotes_and_invisible_characters_are_folded()
    {
        Assert.That(Parse<SetPromptCommand>("prompt set mon 09:30 “What did you try?”").Question, Is.EqualTo("What did you try?"));
        Assert.That(Parse<LogLearningCommand>("learned\u200b how to bisect #git").Tags, Is.EqualTo(new[] { "git" }));
        Assert.That(Parse<LogLearningCommand>("learned it’s fine #git").Text, Is.EqualTo("it's fine"));
    }

    [TestCase("learned profiling 90 minutes", 90)]
    [TestCase("learned profiling 90 mins", 90)]
    [TestCase("learned profiling 45 min", 45)]
    [TestCase("learned profiling 1h30", 90)]
    [TestCase("learned profiling 1h 30m", 90)]
    [TestCase("learned profiling 1h30min", 90)]
    [TestCase("learned profiling 2 hours", 120)]
    [TestCase("learned profiling 1 hour #perf", 60)]
    [TestCase("learned profiling 1.5 hours", 90)]
    [TestCase("learned profiling 1,5 h", 90)]
    [TestCase("learned profiling 2 hrs", 120)]
    public void Durations_in_everyday_words(string text, int minutes)
    {
        var command = Parse<LogLearningCommand>(text);

        Assert.That(command.Minutes, Is.EqualTo(minutes));
        Assert.That(command.Text, Is.EqualTo("profiling"));
    }

    [TestCase("learned cron can run a job every 5 minutes")]
    [TestCase("learned the cache expires after 10 minutes")]
    [TestCase("learned our p99 should stay within 2 hours")]
    public void A_duration_that_describes_the_subject_stays_in_the_text(string text)
    {
        var command = Parse<LogLearningCommand>(text);

        Assert.That(command.Minutes, Is.Null);
        Assert.That(command.Text, Does.EndWith(text.Split(' ')[^1]));
    }

    [TestCase("nudge on fri 4pm", DayOfWeek.Friday, 16, 0)]
    [TestCase("nudge on Fri 4 pm", DayOfWeek.Friday, 16, 0)]
    [TestCase("nudge on friday at 4:30pm", DayOfWeek.Friday, 16, 30)]
    [TestCase("nudge on mon 9am", DayOfWeek.Monday, 9, 0)]
    [TestCase("nudge on mon 12am", DayOfWeek.Monday, 0, 0)]
    [TestCase("nudge on mon 12pm", DayOfWeek.Monday, 12, 0)]
    [TestCase("nudge on tue 9.30", DayOfWeek.Tuesday, 9, 30)]
    [TestCase("nudge on tue 4 p.m.", DayOfWeek.Tuesday, 16, 0)]
    public void Times_of_day_in_everyday_words(string text, DayOfWeek day, int hour, int minute)
    {
        var command = Parse<NudgeCommand>(text);

        Assert.That(command.Day, Is.EqualTo(day));
        Assert.That(command.At, Is.EqualTo(new TimeOnly(hour, minute)));
    }

    [Test]
    public void Prompt_times_in_everyday_words()
    {
        Assert.That(Parse<SetPromptCommand>("prompt set mon,thu 9:30am Europe/Berlin").At, Is.EqualTo(new TimeOnly(9, 30)));
        Assert.That(Parse<SetPromptCommand>("prompt set mon-fri at 4 pm").At, Is.EqualTo(new TimeOnly(16, 0)));
        Assert.That(Fail("prompt set mon 13pm").Problem, Does.Contain("isn't a time"));
        Assert.That(Fail("nudge on fri 25:00").Problem, Does.Contain("isn't a time"));
    }

    [TestCase("kudo <@bo> for the review", "kudos")]
    [TestCase("Kudo <@bo> for the review", "kudos")]
    [TestCase("learnd how to bisect", "learned")]
    [TestCase("lerned how to bisect", "learned")]
    [TestCase("shar how? :: like this", "share")]
    [TestCase("digets", "digest")]
    [TestCase("setings budget 5", "settings")]
    [TestCase("insight", "insights")]
    [TestCase("promt show", "prompt")]
    public void A_near_miss_command_word_gets_did_you_mean(string text, string suggestion)
    {
        var failure = Fail(text);

        Assert.That(failure.Problem, Does.Contain($"Did you mean \"{suggestion}\"?"));
        Assert.That(failure.Usage, Does.StartWith(suggestion));
    }

    [TestCase("Learned how to bisect")]
    [TestCase("LEARNT how to bisect")]
    [TestCase("TIL how to bisect")]
    public void Command_words_in_any_case(string text) => Assert.That(Parse<LogLearningCommand>(text).Text, Is.EqualTo("how to bisect"));

    [TestCase("nudge off", true)]
    [TestCase("me", true)]
    [TestCase("learned x", true)]
    [TestCase("kudos", true)]
    [TestCase("me and Bo fixed the flaky build", false)]
    [TestCase("prompt engineering is mostly writing clear specs", false)]
    [TestCase("export formats matter: CSV needs quoting", false)]
    public void A_dm_is_a_command_when_it_parses_or_starts_with_a_main_command_word(string text, bool command) =>
        Assert.That(CommandParser.StartsWithCommand(text), Is.EqualTo(command));

    [Test]
    public void Help_lists_every_grammar_usage_once()
    {
        var names = CommandCatalog.All.Select(u => u.Name).ToList();

        Assert.That(names, Is.Unique);
        Assert.That(names, Is.SupersetOf(new[] { "learned", "kudos", "share", "ask", "who knows", "prompt", "nudge", "forget me", "help" }));
    }
}
