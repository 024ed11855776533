using BenchmarkDotNet.Attributes;
using LearningBot.Benchmarks.Corpus;
using LearningBot.Core.Commands;
using LearningBot.Core.Replies;
using Microsoft.Extensions.DependencyInjection;

namespace LearningBot.Benchmarks;

/// <summary>
/// One chat command end to end: CommandPipeline.HandleAsync on a real SQLite file holding the full corpus
/// (100,000 posts + 100,000 learnings in the team), so every write also updates a realistically large FTS index.
/// Each call is a new delivery from the next of 500 team members.
/// </summary>
public class CommandBenchmarks
{
    private const string LearnedText = "learned how to roll back a canary release with a feature flag instead of a redeploy #devops #kubernetes 30m";
    private const string AskText = "ask how do we rotate the database secret without downtime?";

    private ServiceProvider _services = null!;
    private CommandPipeline _pipeline = null!;
    private CommandParser _parser = null!;
    private Messages _messages = null!;
    private string _database = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await CorpusDatabase.CopyForRunAsync("commands");
        _services = await BotServices.StartAsync(_database);
        _pipeline = _services.GetRequiredService<CommandPipeline>();
        _parser = _services.GetRequiredService<CommandParser>();
        _messages = new Messages(CorpusDatabase.Team, CorpusDatabase.Members);

        // Fail loudly rather than measure an error reply.
        foreach (var text in new[] { LearnedText, AskText, "help" })
        {
            Expect(await _pipeline.HandleAsync(_messages.From(text), default), text);
        }

        Expect(await Kudos(), "kudos");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        CorpusDatabase.DeleteDatabase(_database);
    }

    [Benchmark(Baseline = true, Description = "parse only (learned)")]
    public ParseResult ParseOnly() => _parser.Parse(LearnedText);

    [Benchmark(Description = "learned <text> #tags 30m")]
    public Task<BotReply> Learned() => _pipeline.HandleAsync(_messages.From(LearnedText), default);

    [Benchmark(Description = "kudos @someone <reason> #value")]
    public Task<BotReply> Kudos()
    {
        var receiver = _messages.SomeoneElse();
        return _pipeline.HandleAsync(
            _messages.From($"kudos <@{receiver.UserId}> for pairing on the flaky integration test #mentoring", [receiver]), default);
    }

    [Benchmark(Description = "ask <question> (200k corpus)")]
    public Task<BotReply> Ask() => _pipeline.HandleAsync(_messages.From(AskText), default);

    [Benchmark(Description = "help")]
    public Task<BotReply> Help() => _pipeline.HandleAsync(_messages.From("help"), default);

    private static void Expect(BotReply reply, string what)
    {
        if (reply.Kind == ReplyKind.Error)
        {
            throw new InvalidOperationException($"'{what}' was answered with an error: {PlainTextRenderer.Render(reply)}");
        }
    }
}
