using LearningBot.Core.Insights;
using LearningBot.Core.Privacy;
using LearningBot.Core.Replies;
using LearningBot.Storage.Sqlite;
using LearningBot.Tests.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Tests.Insights;

/// <summary>Data rights: after "forget me", no query of any table returns the person's id or name.</summary>
public sealed class ForgetMeTests : PipelineTests
{
    private const string Id = "U0QXANN42";
    private const string Name = "Annabel Quux";


    private Task<BotReply> AsAnnabel(string text) => Bot.Services.GetRequiredService<LearningBot.Core.Commands.CommandPipeline>()
        .HandleAsync(new LearningBot.Core.Commands.IncomingMessage("acme", Id, Name, text, Guid.NewGuid().ToString("N"))
        {
            Mentions = [new LearningBot.Core.Commands.MentionedMember("bo", "Bo")],
            Conversation = new LearningBot.Core.Conversations.StoredConversation("test:acme:D-" + Id, "test", "acme",
                LearningBot.Core.Conversations.ConversationKind.Personal, Id, "{}", true, DateTimeOffset.UnixEpoch),
        }, default);

    private async Task LeaveTracesEverywhereAsync()
    {
        await AsAnnabel("learned quux-specific knowledge #private-life 20m");
        await AsAnnabel("learned --private my secret notes");
        await AsAnnabel("kudos <@bo> for helping with the quux migration #mentoring");
        await AsAnnabel("share What is a quux? :: A unit of joy #glossary");
        await AsAnnabel("ask what is annabel working on");
        await AsAnnabel("nudge on fri 15:00");
        var post = (await Bot.Services.GetRequiredService<LearningBot.Core.Knowledge.IKnowledgeRepository>()
            .ListAsync(new LearningBot.Core.Knowledge.KnowledgeQuery("acme", null, null, 10), default)).Single();
        await Bot.SendAsync("bo", $"kudos <@{Id}> for explaining quux to Annabel Quux's team");
        await Bot.SendAsync("bo", $"learned from {Name} how quux works");
        await Bot.SendAsync("cy", "helped " + post.Id);
        await AsAnnabel("helped " + post.Id);
    }

    private async Task<List<string>> CellsContainingAsync(params string[] needles)
    {
        var database = Bot.Services.GetRequiredService<SqliteDatabase>();
        await using var connection = await database.OpenAsync(default);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var hits = new List<string>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? string.Empty
                        : reader.GetValue(i) is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : Convert.ToString(reader.GetValue(i))!;
                    foreach (var needle in needles)
                    {
                        if (value.Contains(needle, StringComparison.OrdinalIgnoreCase))
                        {
                            hits.Add($"{table}.{reader.GetName(i)}: {value[..Math.Min(value.Length, 120)]}");
                        }
                    }
                }
            }
        }

        return hits;
    }

    [Test]
    public async Task Forget_me_without_a_choice_explains_and_changes_nothing()
    {
        await LeaveTracesEverywhereAsync();

        var reply = PlainTextRenderer.Render(await AsAnnabel("forget me"));

        Assert.That(reply, Does.Contain("forget me keep-answers"));
        Assert.That(reply, Does.Contain("forget me delete-answers"));
        Assert.That(await CellsContainingAsync(Id), Is.Not.Empty);
    }

    /// <summary>
    /// Where the name may still be after forgetting: only in bo's own sentence ("learned from Annabel Quux …") and its search
    /// copy. Free text is never rewritten by name (issue 12: a person called "the" or "Will" would rewrite everyone's words).
    /// </summary>
    private async Task AssertNameOnlyInOtherPeoplesWordsAsync()
    {
        // The full-text index's own shadow tables (search_fts_*, search_vocab) hold the same words of bo's, tokenised.
        var hits = (await CellsContainingAsync("annabel")).Where(h => !h.StartsWith("search_fts_", StringComparison.Ordinal)
            && !h.StartsWith("search_vocab.", StringComparison.Ordinal));
        Assert.That(hits, Is.EquivalentTo(new[]
        {
            $"learnings.text: from {Name} how quux works",
            $"search_fts.body: from {Name} how quux works",
        }));
    }

    [Test]
    public async Task After_forget_me_no_table_holds_the_persons_id_and_their_name_stays_only_in_other_peoples_words()
    {
        await LeaveTracesEverywhereAsync();
        Assert.That(await CellsContainingAsync(Id, Name), Is.Not.Empty, "the test must start with traces to remove");

        var reply = PlainTextRenderer.Render(await AsAnnabel("forget me keep-answers"));

        Assert.That(reply, Does.Contain("I've forgotten you"));
        Assert.That(await CellsContainingAsync(Id), Is.Empty);
        await AssertNameOnlyInOtherPeoplesWordsAsync();
        var ask = await Bot.SendTextAsync("cy", "ask what is a quux");
        Assert.That(ask, Does.Contain("A unit of joy"));
        Assert.That(ask, Does.Contain("Shared answer by " + IPersonalDataStore.FormerMember));
        var digest = await Bot.SendTextAsync("cy", "digest");
        Assert.That(digest, Does.Contain(IPersonalDataStore.FormerMember + " → @Bo: helping with the quux migration"));
        Assert.That(digest, Does.Not.Contain("quux-specific knowledge"));
    }

    [Test]
    public async Task Forget_me_can_delete_shared_answers_too()
    {
        await LeaveTracesEverywhereAsync();

        await AsAnnabel("forget me delete-answers");

        Assert.That(await CellsContainingAsync(Id), Is.Empty);
        await AssertNameOnlyInOtherPeoplesWordsAsync();
        Assert.That(await Bot.SendTextAsync("cy", "ask what is a quux"), Does.Not.Contain("A unit of joy"));
    }

    [Test]
    public async Task Export_holds_everything_about_the_person_and_nobody_else()
    {
        await LeaveTracesEverywhereAsync();

        var data = await Bot.Services.GetRequiredService<IPersonalDataStore>().ExportAsync("acme", Id, default);

        Assert.That(data.Member!.DisplayName, Is.EqualTo(Name));
        Assert.That(data.Learnings.Select(l => l.Text), Is.EquivalentTo(new[] { "quux-specific knowledge", "my secret notes" }));
        Assert.That(data.KudosGiven.Single().ReceiverIds, Is.EqualTo(new[] { "bo" }));
        Assert.That(data.KudosReceived.Single().GiverId, Is.EqualTo("bo"));
        Assert.That(data.SharedAnswers.Single().Question, Is.EqualTo("What is a quux?"));
        Assert.That(data.Questions.Single().Text, Is.EqualTo("what is annabel working on"));
        Assert.That(data.NudgesOn, Is.True);
    }
}
