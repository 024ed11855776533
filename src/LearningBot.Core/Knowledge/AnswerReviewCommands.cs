using LearningBot.Core.Commands;

namespace LearningBot.Core.Knowledge;

public enum ReviewAction { StillRight, Edit, Retire }

/// <summary>The buttons of a review DM: <c>review ok|edit|retire &lt;post id&gt;</c> (typed works too).</summary>
public sealed record ReviewAnswerCommand(ReviewAction Action, string PostId) : BotCommand;

/// <summary><c>share owner &lt;post id&gt; @person</c>: the owner or an admin hands an answer over.</summary>
public sealed record ChangeAnswerOwnerCommand(string PostId, string OwnerId) : BotCommand;
