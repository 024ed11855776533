namespace LearningBot.Core.Diagnostics;

/// <summary>
/// Something besides storage that must work before the instance takes traffic (e.g. a Slack Socket Mode connection):
/// <c>/health/ready</c> answers 503 while any registered check is not ready.
/// </summary>
public interface IReadinessCheck
{
    /// <summary>The key under which <c>/health/ready</c> reports it (camelCase, e.g. <c>slackSocketMode</c>).</summary>
    string Name { get; }

    ReadinessResult Check();
}

/// <summary>One check's answer: ready or not, and a short description for operators (never a secret).</summary>
public sealed record ReadinessResult(bool IsReady, string Description);
