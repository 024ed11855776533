using LearningBot.Core.Commands;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;

namespace LearningBot.Tests.Commands;

public sealed class CommandParserTests
{
    private readonly CommandParser _parser = new();

    private T Parse<T>(string text) where T : BotCommand
    {
        var result = _parser.Parse(text);
        Assert.That(result, Is.TypeOf<Parsed>(), () => $"'{text}' failed: {(result as ParseFailure)?.Problem}");
        return (T)((Parsed)result).Command;
    }

    private ParseFailure Fail(string? text)
    {
        var result = _parser.Parse(text);
        Assert.That(result, Is.TypeOf<ParseFailure>(), () => $"'{text}' unexpectedly parsed as {result}");
        return (ParseFailure)result;
    }

    [Test]
    public void Learned_takes_trailing_tags_and_time_spent()
    {
        var command = Parse<LogLearningCommand>("learned how EXPLAIN ANALYZE works #postgres #Perf 30m");

        Assert.That(command.Text, Is.EqualTo("how EXPLAIN ANALYZE works"));
        Assert.That(command.Tags, Is.EqualTo(new[] { "postgres", "perf" }));
        Assert.That(command.Minutes, Is.EqualTo(30));
    }

    [TestCase("learned x 2h", 120)]
    [TestCase("learned x 1.5h", 90)]
    [TestCase("learned x 1h30m", 90)]
    [TestCase("learned x 45min", 45)]
    [TestCase("learned x 2H", 120)]
    [TestCase("learned x", null)]
    public void Learned_understands_durations(string text, int? minutes) =>
        Assert.That(Parse<LogLearningCommand>(text).Minutes, Is.EqualTo(minutes));

    [Test]
    public void Learned_keeps_inline_tags_and_numbers_in_the_sentence()
    {
        var command = Parse<LogLearningCommand>("learned that #rust lifetimes take 2h to click, not a week #rust");

        Assert.That(command.Text, Is.EqualTo("that #rust lifetimes take 2h to click, not a week"));
        Assert.That(command.Tags, Is.EqualTo(new[] { "rust" }));
        Assert.That(command.Minutes, Is.Null);
    }

    [TestCase("learned x 0m")]
    [TestCase("learned x 25h")]
    public void Learned_rejects_time_spent_out_of_range(string text) =>
        Assert.That(Fail(text).Problem, Does.Contain("between 1m and 24h"));

    [TestCase("learned #postgres 30m")]
    [TestCase("learned 30m")]
    [TestCase("learned #a #b")]
    public void Learned_needs_some_text(string text) => Assert.That(Fail(text).Usage, Does.StartWith("learned [--private] <what you learned>"));

    [Test]
    public void Learned_alone_lists_my_learnings() =>
        Assert.That(Parse<ListLearningsCommand>("learned"), Is.EqualTo(new ListLearningsCommand(LearningScope.Me, null, Period.All)));

    [TestCase("learned list", LearningScope.Me, null, Period.All)]
    [TestCase("learned list team", LearningScope.Team, null, Period.Week)]
    [TestCase("learned list team month", LearningScope.Team, null, Period.Month)]
    [TestCase("learned list all me", LearningScope.Me, null, Period.All)]
    [TestCase("learned list <@U42> week", LearningScope.Person, "U42", Period.Week)]
    public void Learned_list_takes_scope_and_period(string text, LearningScope scope, string? person, Period period) =>
        Assert.That(Parse<ListLearningsCommand>(text), Is.EqualTo(new ListLearningsCommand(scope, person, period)));

    [Test]
    public void Learned_list_followed_by_other_words_is_a_learning() =>
        Assert.That(Parse<LogLearningCommand>("learned list comprehensions in Python").Text, Is.EqualTo("list comprehensions in Python"));

    [Test]
    public void Kudos_takes_receivers_reason_and_value()
    {
        var command = Parse<GiveKudosCommand>("kudos <@ann> <@bo|bo> for walking me through the incident review #mentoring");

        Assert.That(command.ReceiverIds, Is.EqualTo(new[] { "ann", "bo" }));
        Assert.That(command.Reason, Is.EqualTo("walking me through the incident review"));
        Assert.That(command.Value, Is.EqualTo("mentoring"));
    }

    [Test]
    public void Kudos_accepts_natural_joiners_and_deduplicates_people()
    {
        var command = Parse<GiveKudosCommand>("kudos to <@ann> and <@bo>, <@ann> for pairing on the migration");

        Assert.That(command.ReceiverIds, Is.EqualTo(new[] { "ann", "bo" }));
        Assert.That(command.Reason, Is.EqualTo("pairing on the migration"));
        Assert.That(command.Value, Is.Null);
    }

    [TestCase("kudos", "Who would you like to thank?")]
    [TestCase("kudos bo for the help", "Mention the people")]
    [TestCase("kudos @ for the help", "Mention the people")]
    [TestCase("kudos <@> for the help", "Mention the people")]
    [TestCase("kudos <@bo>", "Say what the kudos are for")]
    [TestCase("kudos <@bo> for #mentoring", "Say what the kudos are for")]
    public void Kudos_errors_explain_the_problem(string text, string problem)
    {
        var failure = Fail(text);

        Assert.That(failure.Problem, Does.Contain(problem));
        Assert.That(failure.Example, Is.EqualTo(KudosGrammar.Usage.Example));
    }

    [TestCase("kudos top", Period.Week)]
    [TestCase("kudos top month", Period.Month)]
    [TestCase("kudos TOP all", Period.All)]
    public void Kudos_top_takes_a_period(string text, Period period) =>
        Assert.That(Parse<KudosLeaderboardCommand>(text).Period, Is.EqualTo(period));

    [Test]
    public void Kudos_top_rejects_an_unknown_period() => Assert.That(Fail("kudos top year").Problem, Does.Contain("week, month or all"));

    [Test]
    public void Share_splits_question_answer_and_tags()
    {
        var command = Parse<ShareCommand>("share How do I rotate keys? :: Run make rotate-keys :: then wait #ops #security");

        Assert.That(command.Question, Is.EqualTo("How do I rotate keys?"));
        Assert.That(command.Answer, Is.EqualTo("Run make rotate-keys :: then wait"));
        Assert.That(command.Tags, Is.EqualTo(new[] { "ops", "security" }));
    }

    [TestCase("share How do I rotate keys?", "::")]
    [TestCase("share :: the answer", "question part is empty")]
    [TestCase("share the question :: #ops", "answer part is empty")]
    public void Share_errors_explain_the_problem(string text, string problem) => Assert.That(Fail(text).Problem, Does.Contain(problem));

    [Test]
    public void Ask_and_who_knows_take_the_rest_of_the_text()
    {
        Assert.That(Parse<AskCommand>("ask  how do we deploy?").Question, Is.EqualTo("how do we deploy?"));
        Assert.That(Parse<WhoKnowsCommand>("who knows kubernetes networking?").Topic, Is.EqualTo("kubernetes networking"));
    }

    [TestCase("ask", "What would you like to know?")]
    [TestCase("ask ???", "What would you like to know?")]
    [TestCase("who knows", "Which topic")]
    [TestCase("who is here", "\"who\" on its own")]
    public void Ask_and_who_knows_need_words(string text, string problem) => Assert.That(Fail(text).Problem, Does.Contain(problem));

    [Test]
    public void Settings_show_and_change()
    {
        Assert.That(Parse<SettingsCommand>("settings").Change, Is.Null);
        Assert.That(Parse<SettingsCommand>("settings budget 8").Change, Is.EqualTo(new KudosBudgetChange(8)));
        Assert.That(Parse<SettingsCommand>("settings leaderboard off").Change, Is.EqualTo(new LeaderboardChange(false)));
        Assert.That(Parse<SettingsCommand>("settings timezone Europe/Berlin").Change, Is.EqualTo(new TimeZoneChange("Europe/Berlin")));
    }

    [TestCase("settings budget 0", "1 to 100")]
    [TestCase("settings budget lots", "1 to 100")]
    [TestCase("settings leaderboard maybe", "\"on\" or \"off\"")]
    [TestCase("settings timezone Mars/Olympus", "time zone")]
    [TestCase("settings colour blue", "no setting called")]
    public void Settings_errors_explain_the_problem(string text, string problem) => Assert.That(Fail(text).Problem, Does.Contain(problem));

    [Test]
    public void Digest_help_and_helped()
    {
        Assert.That(Parse<DigestCommand>("digest"), Is.Not.Null);
        Assert.That(Parse<DigestCommand>("Digest week"), Is.Not.Null);
        Assert.That(Parse<HelpCommand>("HELP me"), Is.Not.Null);
        Assert.That(Parse<MarkHelpfulCommand>("helped 0199abc").PostId, Is.EqualTo("0199abc"));
        Assert.That(Fail("digest month").Problem, Does.Contain("this week"));
        Assert.That(Fail("helped ../../etc").Problem, Does.Contain("can't find"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   \n\t ")]
    public void Empty_text_gets_a_friendly_error(string? text) => Assert.That(Fail(text).Problem, Is.EqualTo("That message was empty."));

    [Test]
    public void Over_long_text_is_refused_with_the_limit()
    {
        var failure = Fail("learned " + new string('x', CommandParser.MaxTextLength + 1));

        Assert.That(failure.Problem, Does.Contain("4,000"));
    }

    [Test]
    public void Unknown_commands_point_to_help()
    {
        var failure = Fail("frobnicate the widgets");

        Assert.That(failure.Problem, Does.Contain("\"frobnicate\""));
        Assert.That(failure.Usage, Is.EqualTo("help"));
    }

    [Test]
    public void Control_characters_are_treated_as_spaces() =>
        Assert.That(Parse<LogLearningCommand>("learned\u0000null\u0007bytes #x").Text, Is.EqualTo("null bytes"));
}
