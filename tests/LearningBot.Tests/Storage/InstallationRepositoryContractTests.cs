using LearningBot.Core.Installations;

namespace LearningBot.Tests.Storage;

/// <summary>What every engine's <see cref="IInstallationRepository"/> must do; each engine derives a fixture.</summary>
public abstract class InstallationRepositoryContractTests
{
    private static readonly DateTimeOffset Installed = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    protected IInstallationRepository Installations { get; private set; } = null!;

    private string Team { get; set; } = null!;

    protected abstract Task<IInstallationRepository> CreateRepositoryAsync();

    protected virtual Task DisposeRepositoryAsync() => Task.CompletedTask;

    [SetUp]
    public async Task Create()
    {
        Team = "T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        Installations = await CreateRepositoryAsync();
    }

    [TearDown]
    public Task Dispose() => DisposeRepositoryAsync();

    private Installation Install(string token, DateTimeOffset at) =>
        new("slack", Team, "Acme", "UBOT", token, "UADMIN", at);

    [Test]
    public async Task An_install_is_read_back_with_every_field()
    {
        await Installations.SaveAsync(Install("xoxb-first", Installed), default);

        var read = await Installations.GetAsync("slack", Team, default);

        Assert.That(read, Is.EqualTo(Install("xoxb-first", Installed)));
        Assert.That(await Installations.GetAsync("msteams", Team, default), Is.Null);
        Assert.That(await Installations.GetAsync("slack", "T-never", default), Is.Null);
    }

    [Test]
    public async Task Deactivating_keeps_the_row_inactive_and_a_reinstall_activates_it_with_the_new_token()
    {
        await Installations.SaveAsync(Install("xoxb-first", Installed), default);

        Assert.That(await Installations.DeactivateAsync("slack", Team, Installed.AddDays(1), default), Is.True);
        Assert.That(await Installations.DeactivateAsync("slack", Team, Installed.AddDays(1), default), Is.False, "already inactive");
        Assert.That((await Installations.GetAsync("slack", Team, default))!.IsActive, Is.False);

        await Installations.SaveAsync(Install("xoxb-second", Installed.AddDays(2)), default);
        var read = await Installations.GetAsync("slack", Team, default);
        Assert.That(read!.IsActive, Is.True);
        Assert.That(read.BotToken, Is.EqualTo("xoxb-second"));
    }

    [Test]
    public void ToString_never_shows_the_token()
    {
        var text = Install("xoxb-very-secret", Installed).ToString();

        Assert.That(text, Does.Not.Contain("xoxb-very-secret"));
        Assert.That(text, Does.Contain(Team));
    }
}
