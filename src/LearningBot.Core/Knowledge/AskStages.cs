using System.Diagnostics;
using LearningBot.Core.Diagnostics;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Child spans of a command's trace for the stages of <c>ask</c> (and of every search), on the bot's
/// <see cref="LearningBotMetrics.ActivitySource"/>: the host exports them with the rest of its traces, and the benchmark
/// (<c>--semantic</c>) sums them per call to show where an <c>ask</c> spends its time (docs/performance.md). Without a listener
/// <see cref="Start"/> returns null and costs a field read.
/// </summary>
public static class AskStages
{
    public const string Embedding = "ask embedding";
    public const string RecentQuestions = "ask recent questions";
    public const string Grouping = "ask grouping";
    public const string Confidence = "ask confidence";
    public const string Write = "ask write";
    public const string Reply = "ask reply";
    public const string Suggestion = "ask suggestion";
    public const string Lexical = "search lexical";
    public const string VectorRefresh = "search vector refresh";
    public const string VectorScan = "search vector scan";
    public const string Fusion = "search fusion";

    /// <summary>Starts the stage's span (internal kind), or returns null when nobody listens.</summary>
    public static Activity? Start(string stage) => LearningBotMetrics.ActivitySource.StartActivity(stage, ActivityKind.Internal);
}
