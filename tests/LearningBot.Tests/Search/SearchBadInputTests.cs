using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LearningBot.Tests.Web;

namespace LearningBot.Tests.Search;

/// <summary>
/// Bad and unusual input through the real host with the default packaged model (all-MiniLM-L6-v2; ArcticXs answers the
/// "nothing answers it" shapes with its nearest unrelated answers: docs/search.md, "Model choice"), the background embedder and a
/// real SQLite file: `ask`, `who knows`, `learned` and `share` answer every shape with a friendly reply (the usage, or "nothing
/// written down" / "nobody has written about that"), never an error, and what was stored stays searchable. Texts are what the
/// platforms send: Slack sends emoji as shortcodes (`:tada:`, https://api.slack.com/reference/surfaces/formatting#emoji) and user
/// mentions as `&lt;@U0123ABC&gt;` (SlackText keeps those; channels become `#name`, links `label (url)`), Teams the emoji
/// characters themselves; the playground hands text to the same pipeline.
/// Run with both MiniLM providers: the float32 default and MiniLMInt8 (its own calibrated thresholds).
/// </summary>
[Category("Embeddings")]
[TestFixture("MiniLMInt8")]
[TestFixture("MiniLM")]
public sealed class SearchBadInputTests(string provider)
{
    private const string KeysQuestion = "How do I rotate the staging keys?";
    private const string FacebookQuestion = "How do I delete my Facebook account?";

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    private TempDirectory _directory = null!;
    private LearningBotWebFactory _host = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartHostWithTheModel()
    {
        _directory = new TempDirectory();
        _host = new LearningBotWebFactory(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = _directory.File("bad-input.db"),
            ["Search:Embeddings:Provider"] = provider,
            ["Search:Embeddings:PollInterval"] = "00:00:01",
            ["Scheduler:Enabled"] = "false",
        });
        _client = _host.CreateClient();
        await SendAsync("bo", $"share {KeysQuestion} :: run make rotate-keys in the ops repo #ops");
        await SendAsync("bo", $"share {FacebookQuestion} :: Open facebook.com/help/delete_account and press Submit #privacy");
        await SendAsync("cy", "learned how to read EXPLAIN plans in postgres #postgres");
        await WaitAsync(() => Vectors() == 5, "both answers (two vectors each) and the learning embedded");
    }

    [OneTimeTearDown]
    public void StopHost()
    {
        _client.Dispose();
        _host.Dispose();
        _directory.Dispose();
    }

    // Nothing to search for: the usage, as for an empty question. Emoji shortcodes and mentions were searched as words ("tada",
    // "u0123abc") before and answered "Nothing written down"; the rest guard what already worked.
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("?!? ... --- ¿¡")]
    [TestCase("🎉 🚀")]
    [TestCase("🎉🚀🔥")]
    [TestCase(":tada: :rocket:")]
    [TestCase(":+1::skin-tone-2: :white_check_mark:")]
    [TestCase("<@U0123ABC>")]
    [TestCase("<@U0123ABC> <@W0456DEF> :eyes:")]
    public async Task A_question_or_topic_without_words_gets_the_usage(string text)
    {
        var ask = await SendAsync("ann", "ask " + text);
        var who = await SendAsync("ann", "who knows " + text);

        Assert.That(ask, Does.StartWith("What would you like to know?").And.Contain("ask <question>").And.Contain("For example: ask how"));
        Assert.That(who, Does.StartWith("Which topic should I look for?").And.Contain("who knows <topic>"));
    }

    // Only stop words: "ask the" listed three answers that merely hold "the", "who knows the" named everyone who wrote anything, and
    // each such ask was stored, so vague askings grouped into "write this down next". Refused with the form, nothing recorded.
    [TestCase("the", "the")]
    [TestCase("how do I", "how do I")]
    [TestCase("what is it?", "what is it")]
    [TestCase("How do we do this?", "How do we do this")]
    [TestCase("<@U0123ABC> who is there :eyes:", "<@U0123ABC> who is there :eyes:")]
    [TestCase("anyone know?", "anyone know")]
    public async Task A_question_or_topic_of_stop_words_only_gets_the_usage_and_is_not_recorded(string text, string echoed)
    {
        var before = await SendAsync("ann", "insights");

        var ask = await SendAsync("ann", "ask " + text);
        var who = await SendAsync("ann", "who knows " + text);

        Assert.That(ask, Does.StartWith($"\"{text}\" is too general to search for — add a word or two about the topic.")
            .And.Contain("ask <question>").And.Not.Contain(KeysQuestion).And.Not.Contain(FacebookQuestion));
        Assert.That(who, Does.StartWith($"\"{echoed}\" is too general — which topic should I look for?")
            .And.Contain("who knows <topic>").And.Not.Contain("bo").And.Not.Contain("cy"));
        Assert.That(QuestionsLine(await SendAsync("ann", "insights")), Is.EqualTo(QuestionsLine(before)), "nothing recorded");
    }

    // A stop word beside one real word is a question: the real word is searched.
    [TestCase("how do I rotate keys?")]
    [TestCase("what is staging")]
    public async Task A_question_with_one_content_word_is_searched(string text)
    {
        var ask = await SendAsync("ann", "ask " + text);

        Assert.That(ask, Does.StartWith("What the team wrote about").And.Contain(KeysQuestion));
    }

    private static string QuestionsLine(string insights) =>
        insights.Split('\n').SingleOrDefault(l => l.StartsWith("Questions:", StringComparison.Ordinal)) ?? "no questions line";

    // Languages the model was not trained on: found by their words where they share one with an answer ("Staging"), else
    // "nothing written down" — never the nearest unrelated answer.
    [TestCase("アカウントを削除するにはどうすればいいですか")]
    [TestCase("كيف أحذف حسابي؟")]
    [TestCase("Wie lösche ich mein Konto?")]
    [TestCase("<#C024BE7LR|general>")] // a channel link as Slack sends it, should an adapter ever pass it through raw
    [TestCase("<https://x.example|y>")]
    public async Task A_question_nothing_answers_gets_nothing_written_down(string question)
    {
        var ask = await SendAsync("ann", "ask " + question);
        var who = await SendAsync("ann", "who knows " + question);

        Assert.That(ask, Does.StartWith("Nothing written down about that yet"));
        Assert.That(ask, Does.Not.Contain("Facebook").And.Not.Contain("staging").And.Not.Contain("EXPLAIN"));
        Assert.That(who, Does.Contain("Nobody has written about that yet"));
    }

    [Test]
    public async Task A_german_question_sharing_a_word_finds_the_answer()
    {
        var ask = await SendAsync("ann", "ask Wie kann ich die Schlüssel für Staging rotieren?");

        Assert.That(ask, Does.StartWith("What the team wrote about").And.Contain(KeysQuestion));
    }

    [Test]
    public async Task A_four_thousand_character_question_is_searched()
    {
        // A pasted incident write-up, exactly 4,000 characters after the command word.
        var question = Filler("Our deploy to staging failed while rotating the keys; the job printed a timeout and retried. ", 4000);

        var ask = await SendAsync("ann", "ask " + question);
        var who = await SendAsync("ann", "who knows " + question);

        Assert.That(question, Has.Length.EqualTo(4000));
        Assert.That(ask, Does.StartWith("What the team wrote about").And.Contain(KeysQuestion));
        Assert.That(who, Does.StartWith("Who knows").And.Contain("bo").And.Contain("shared 1 answer"));
    }

    // 4,001 characters after the command's name: for share the question, " :: " and the answer together.
    [TestCase("ask ", "", "ask <question>")]
    [TestCase("who knows ", "", "who knows <topic>")]
    [TestCase("share ", "Why is it slow? :: ", "share <question> :: <answer>")]
    [TestCase("learned ", "", "learned [--private] <what you learned>")]
    public async Task Text_over_four_thousand_characters_is_refused_with_the_commands_own_form(string command, string start, string usage)
    {
        var reply = await SendAsync("ann", command + start + Filler("a very long paste of a stack trace and its log lines ", 4001 - start.Length));

        Assert.That(reply, Does.StartWith("That's 4,001 characters; I can take up to 4,000. Could you shorten it?"));
        Assert.That(reply, Does.Contain("The right form: " + usage));
    }

    [Test]
    public async Task Emoji_only_learnings_and_answers_are_refused_and_nothing_is_stored()
    {
        var documents = Documents();

        var learned = await SendAsync("dee", "learned :tada: :rocket:");
        var learnedTeams = await SendAsync("dee", "learned 🎉🚀");
        var share = await SendAsync("dee", "share :tada: :: :rocket:");
        var answer = await SendAsync("dee", "share What did we ship? :: :shipit: <@U0123ABC>");

        Assert.That(learned, Does.StartWith("Tell me what you learned in a few words"));
        Assert.That(learnedTeams, Does.StartWith("Tell me what you learned in a few words"));
        Assert.That(share, Does.StartWith("The question part is empty."));
        Assert.That(answer, Does.StartWith("The answer part is empty."));
        Assert.That(Documents(), Is.EqualTo(documents), "nothing stored for a refused command");
        Assert.That(await SendAsync("dee", "ask tada rocket shipit"), Does.StartWith("Nothing written down about that yet"));
    }

    [Test]
    public async Task Four_thousand_character_learnings_and_answers_are_stored_and_found_by_words_and_meaning()
    {
        var runbook = Filler("When the nightly ETL job stalls, check the warehouse lock table first and kill the stuck session. ", 4000);
        var vectors = Vectors();

        var shared = await SendAsync("dee", "share Why does the nightly ETL job stall? :: " + runbook[..(4000 - "Why does the nightly ETL job stall? :: ".Length)]);
        var learned = await SendAsync("eve", "learned " + Filler("Vacuuming the orders table every Sunday keeps the reporting queries under a second. ", 4000));

        Assert.That(shared, Does.StartWith("📌 Shared answer saved"));
        Assert.That(learned, Does.StartWith("Logged"));
        Assert.That(await SendAsync("ann", "ask nightly ETL stall"), Does.Contain("Why does the nightly ETL job stall?"), "by its words at once");
        await WaitAsync(() => Vectors() == vectors + 3, "the long answer (two vectors) and the long learning embedded");
        var byMeaning = await SendAsync("ann", "ask overnight data import is frozen");
        Assert.That(byMeaning, Does.Contain("Why does the nightly ETL job stall?"), "by its meaning (first 256 word pieces)");
        Assert.That(await SendAsync("ann", "ask remove fb profile permanently"), Does.Contain(FacebookQuestion), "the other answers stay searchable");
        Assert.That(await SendAsync("ann", "who knows nightly ETL job stalls"), Does.Contain("dee").And.Contain("shared 1 answer"));
        Assert.That(await SendAsync("ann", "ask vacuuming the orders table"), Does.Contain("Learned by eve"));
    }

    [Test]
    public async Task Who_knows_with_nobody_suggests_a_tag_made_of_one_word_of_the_topic()
    {
        var reply = await SendAsync("ann", "who knows kubernetes network policies");

        Assert.That(reply, Does.Contain("Nobody has written about that yet"));
        Assert.That(reply, Does.Contain("learned <what you found out> #kubernetes").And.Not.Contain("#kubernetesnetwork"));
    }

    private async Task<string> SendAsync(string user, string text)
    {
        var response = await _client.PostAsJsonAsync("/api/playground", new { team = "acme", user, text });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
    }

    /// <summary><paramref name="sentence"/> repeated and cut to exactly <paramref name="length"/> characters, ending in a full stop
    /// (not a space the parser would trim).</summary>
    private static string Filler(string sentence, int length) =>
        string.Concat(Enumerable.Repeat(sentence, length / sentence.Length + 1))[..(length - 1)] + ".";

    private long Vectors() => Scalar("SELECT count(*) FROM search_vectors");

    private long Documents() => Scalar("SELECT count(*) FROM search_fts");

    private long Scalar(string sql) => SqliteFileProbe.Scalar(_directory.File("bad-input.db"), sql);

    private static Task WaitAsync(Func<bool> condition, string what) =>
        SqliteFileProbe.WaitAsync(condition, what, Within, TimeSpan.FromMilliseconds(200));
}
