using LearningBot.Core.Diagnostics;

namespace LearningBot.Slack.SocketMode;

/// <summary>
/// How Socket Mode is doing, for <c>/health/ready</c> (not ready while no connection is open: Slack has nowhere to send
/// commands) and the <c>learningbot.slack.socket.connections</c> metric.
/// </summary>
public sealed class SlackSocketModeState(LearningBotMetrics? metrics = null) : IReadinessCheck
{
    private int _open;
    private volatile string? _problem = "connecting";

    /// <summary>Connections that said hello and are not closed yet.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public string Name => "slackSocketMode";

    public ReadinessResult Check()
    {
        var open = OpenConnections;
        return open > 0
            ? new ReadinessResult(true, $"{open} connection(s) open")
            : new ReadinessResult(false, "no connection open: " + (_problem ?? "reconnecting"));
    }

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _open);
        _problem = null;
        metrics?.SocketConnectionChanged(+1);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref _open);
        metrics?.SocketConnectionChanged(-1);
    }

    /// <summary>Why the last attempt to connect failed (no secrets: Slack's error code and what to do).</summary>
    internal void Problem(string problem) => _problem = problem;
}
