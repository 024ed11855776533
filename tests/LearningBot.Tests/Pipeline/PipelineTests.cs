namespace LearningBot.Tests.Pipeline;

/// <summary>A fresh bot (real pipeline, real SQLite file, fake clock) for every test.</summary>
public abstract class PipelineTests
{
    protected PipelineHarness Bot { get; private set; } = null!;

    [SetUp]
    public async Task StartBot() => Bot = await PipelineHarness.StartAsync();

    [TearDown]
    public async Task StopBot() => await Bot.DisposeAsync();
}
