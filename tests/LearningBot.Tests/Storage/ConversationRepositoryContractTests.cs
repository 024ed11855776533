using LearningBot.Core.Conversations;

namespace LearningBot.Tests.Storage;

/// <summary>What every engine's conversation store must do; fixtures only say how to create an empty one.</summary>
public abstract class ConversationRepositoryContractTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    protected IConversationRepository Conversations { get; private set; } = null!;

    private string _team = null!;

    protected abstract Task<IConversationRepository> CreateRepositoryAsync();

    protected virtual Task DisposeRepositoryAsync() => Task.CompletedTask;

    [SetUp]
    public async Task Create()
    {
        _team = "team-" + Guid.NewGuid().ToString("N");
        Conversations = await CreateRepositoryAsync();
    }

    [TearDown]
    public Task Dispose() => DisposeRepositoryAsync();

    private StoredConversation Conversation(string key, ConversationKind kind = ConversationKind.Channel, string? user = null,
        string reference = "{\"conversation\":{\"id\":\"c\"}}", string? team = null) =>
        new(key + _team, "msteams", team ?? _team, kind, user, reference, true, At);

    [Test]
    public async Task A_saved_conversation_is_read_back_with_every_field()
    {
        var saved = Conversation("msteams:19:a", ConversationKind.Personal, "ann", "{\"x\":1}");
        Assert.That(await Conversations.SaveAsync(saved, default), Is.True);

        var read = await Conversations.GetAsync(saved.Key, default);

        Assert.That(read, Is.EqualTo(saved));
    }

    [Test]
    public async Task Saving_again_replaces_the_reference_and_reports_not_new()
    {
        var first = Conversation("msteams:19:b");
        await Conversations.SaveAsync(first, default);

        var isNew = await Conversations.SaveAsync(first with { ReferenceJson = "{\"v\":2}", UpdatedAt = At.AddHours(1) }, default);

        Assert.That(isNew, Is.False);
        var read = await Conversations.GetAsync(first.Key, default);
        Assert.That(read!.ReferenceJson, Is.EqualTo("{\"v\":2}"));
        Assert.That(read.UpdatedAt, Is.EqualTo(At.AddHours(1)));
    }

    [Test]
    public async Task An_inactive_conversation_is_hidden_from_lookups_until_saved_again()
    {
        var personal = Conversation("msteams:a:1", ConversationKind.Personal, "bo");
        await Conversations.SaveAsync(personal, default);
        await Conversations.MarkInactiveAsync(personal.Key, At.AddDays(1), default);

        Assert.That((await Conversations.GetAsync(personal.Key, default))!.IsActive, Is.False);
        Assert.That(await Conversations.FindPersonalAsync(_team, "bo", default), Is.Null);
        Assert.That(await Conversations.ListActiveAsync(_team, default), Is.Empty);

        Assert.That(await Conversations.SaveAsync(personal, default), Is.True, "re-adding the bot counts as new");
        Assert.That(await Conversations.FindPersonalAsync(_team, "bo", default), Is.Not.Null);
    }

    [Test]
    public async Task Personal_lookup_finds_only_that_users_one_to_one_chat_in_that_team()
    {
        await Conversations.SaveAsync(Conversation("msteams:19:channel", ConversationKind.Channel), default);
        await Conversations.SaveAsync(Conversation("msteams:a:ann", ConversationKind.Personal, "ann"), default);
        await Conversations.SaveAsync(Conversation("msteams:a:other-team", ConversationKind.Personal, "cy", team: "other-" + _team), default);

        Assert.That((await Conversations.FindPersonalAsync(_team, "ann", default))!.Key, Is.EqualTo("msteams:a:ann" + _team));
        Assert.That(await Conversations.FindPersonalAsync(_team, "cy", default), Is.Null);
        Assert.That((await Conversations.ListActiveAsync(_team, default)).Select(c => c.Kind),
            Is.EquivalentTo(new[] { ConversationKind.Channel, ConversationKind.Personal }));
    }

    [Test]
    public async Task A_missing_conversation_reads_as_null()
    {
        Assert.That(await Conversations.GetAsync("msteams:nothing" + _team, default), Is.Null);
        await Conversations.MarkInactiveAsync("msteams:nothing" + _team, At, default); // no error
    }
}
