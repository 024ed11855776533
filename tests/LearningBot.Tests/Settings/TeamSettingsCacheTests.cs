using LearningBot.Core.Settings;
using LearningBot.Core.Storage;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LearningBot.Tests.Settings;

public sealed class TeamSettingsCacheTests
{
    private FakeTimeProvider _time = null!;
    private Mock<ITeamSettingsRepository> _store = null!;
    private TeamSettingsCache Cache { get; set; } = null!;

    [SetUp]
    public void CreateCache()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        _store = new Mock<ITeamSettingsRepository>();
        Cache = new TeamSettingsCache(_store.Object, _time);
    }

    [Test]
    public async Task Reads_the_store_once_per_team_within_the_lifetime_then_again()
    {
        _store.Setup(s => s.GetAsync("acme", It.IsAny<CancellationToken>())).ReturnsAsync(TeamSettings.Default("acme"));

        await Cache.GetAsync("acme", default);
        _time.Advance(TeamSettingsCache.Lifetime - TimeSpan.FromSeconds(1));
        await Cache.GetAsync("acme", default);
        _store.Verify(s => s.GetAsync("acme", It.IsAny<CancellationToken>()), Times.Once);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Cache.GetAsync("acme", default);
        _store.Verify(s => s.GetAsync("acme", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task A_saved_change_is_what_the_next_read_returns()
    {
        _store.Setup(s => s.GetAsync("acme", It.IsAny<CancellationToken>())).ReturnsAsync(TeamSettings.Default("acme"));
        _store.Setup(s => s.SaveAsync(It.IsAny<TeamSettings>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TeamSettings s, CancellationToken _) => s with { Version = "2" });
        await Cache.GetAsync("acme", default);

        await Cache.SaveAsync(TeamSettings.Default("acme") with { KudosWeeklyBudget = 9 }, default);

        var read = await Cache.GetAsync("acme", default);
        Assert.That(read.KudosWeeklyBudget, Is.EqualTo(9));
        Assert.That(read.Version, Is.EqualTo("2"));
        _store.Verify(s => s.GetAsync("acme", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_conflict_forgets_the_cached_copy_so_the_retry_reads_the_store()
    {
        _store.Setup(s => s.GetAsync("acme", It.IsAny<CancellationToken>())).ReturnsAsync(TeamSettings.Default("acme"));
        _store.Setup(s => s.SaveAsync(It.IsAny<TeamSettings>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConcurrencyConflictException("changed elsewhere"));
        await Cache.GetAsync("acme", default);

        Assert.ThrowsAsync<ConcurrencyConflictException>(() => Cache.SaveAsync(TeamSettings.Default("acme"), default));
        await Cache.GetAsync("acme", default);

        _store.Verify(s => s.GetAsync("acme", It.IsAny<CancellationToken>()), Times.Exactly(2));
    }
}
