using LearningBot.Core.Installations;
using LearningBot.Storage.Sqlite;
using LearningBot.Storage.Sqlite.Installations;
using Microsoft.Extensions.Time.Testing;

namespace LearningBot.Tests.Installations;

/// <summary>
/// <see cref="InstallationCache"/> on a real SQLite file. A second repository on the same file plays another instance of the
/// bot (or a process that writes the file directly): what it writes is seen here only after <see cref="InstallationCache.Lifetime"/>;
/// what is written through the cache is seen at once, and one workspace's install is never another's.
/// </summary>
[TestFixture]
public sealed class InstallationCacheTests
{
    private TempDirectory _directory = null!;
    private FakeTimeProvider _time = null!;
    private IInstallationRepository _otherInstance = null!;
    private InstallationCache _cache = null!;

    [SetUp]
    public async Task CreateStore()
    {
        _directory = new TempDirectory();
        var path = _directory.File("installations.db");
        var database = new SqliteDatabase(path);
        await database.InitializeAsync(default);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));
        _cache = new InstallationCache(new SqliteInstallationRepository(database), _time);
        _otherInstance = new SqliteInstallationRepository(new SqliteDatabase(path));
    }

    [TearDown]
    public void Remove()
    {
        SqliteDatabase.ClearPools();
        _directory.Dispose();
    }

    private static Installation Install(string team, string token, string installedBy = "UINSTALLER") =>
        new("slack", team, "Acme", "U0BOT", token, installedBy, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task A_read_is_kept_for_the_lifetime_then_read_again_from_the_store()
    {
        await _otherInstance.SaveAsync(Install("T0001", "xoxb-first"), default);
        Assert.That((await _cache.GetAsync("slack", "T0001", default))!.BotToken, Is.EqualTo("xoxb-first"));

        await _otherInstance.SaveAsync(Install("T0001", "xoxb-reinstalled"), default); // a reinstall handled by another instance
        _time.Advance(InstallationCache.Lifetime - TimeSpan.FromSeconds(1));
        Assert.That((await _cache.GetAsync("slack", "T0001", default))!.BotToken, Is.EqualTo("xoxb-first"), "within the lifetime: the kept read");

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await _cache.GetAsync("slack", "T0001", default))!.BotToken, Is.EqualTo("xoxb-reinstalled"));
    }

    [Test]
    public async Task Not_installed_is_kept_too_and_an_install_through_the_cache_is_seen_at_once()
    {
        Assert.That(await _cache.GetAsync("slack", "T0002", default), Is.Null); // single-token mode asks this on every call

        await _cache.SaveAsync(Install("T0002", "xoxb-new"), default);

        Assert.That((await _cache.GetAsync("slack", "T0002", default))!.BotToken, Is.EqualTo("xoxb-new"));
    }

    [Test]
    public async Task An_uninstall_through_the_cache_stops_its_token_at_once()
    {
        await _cache.SaveAsync(Install("T0003", "xoxb-live"), default);
        Assert.That((await _cache.GetAsync("slack", "T0003", default))!.IsActive, Is.True);

        Assert.That(await _cache.DeactivateAsync("slack", "T0003", _time.GetUtcNow(), default), Is.True);

        var after = await _cache.GetAsync("slack", "T0003", default);
        Assert.That(after, Is.Not.Null);
        Assert.That(after!.IsActive, Is.False);
    }

    [Test]
    public async Task Each_workspace_gets_its_own_install_and_platforms_do_not_mix()
    {
        await _cache.SaveAsync(Install("TAAAA", "xoxb-a", installedBy: "UA"), default);
        await _cache.SaveAsync(Install("TBBBB", "xoxb-b", installedBy: "UB"), default);

        var a = await _cache.GetAsync("slack", "TAAAA", default);
        var b = await _cache.GetAsync("slack", "TBBBB", default);

        Assert.That((a!.BotToken, a.InstalledBy), Is.EqualTo(("xoxb-a", "UA")));
        Assert.That((b!.BotToken, b.InstalledBy), Is.EqualTo(("xoxb-b", "UB")));
        Assert.That(await _cache.GetAsync("msteams", "TAAAA", default), Is.Null);
    }
}
