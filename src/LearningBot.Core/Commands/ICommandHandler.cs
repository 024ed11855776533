using LearningBot.Core.Replies;

namespace LearningBot.Core.Commands;

/// <summary>Handles one <see cref="BotCommand"/> type. Handlers never see Slack or Teams types.</summary>
public interface ICommandHandler
{
    Type CommandType { get; }

    Task<BotReply> HandleAsync(BotCommand command, CommandContext context, CancellationToken cancellationToken);
}

/// <summary>Base class that gives each handler its own typed command.</summary>
public abstract class CommandHandler<TCommand> : ICommandHandler where TCommand : BotCommand
{
    public Type CommandType => typeof(TCommand);

    public Task<BotReply> HandleAsync(BotCommand command, CommandContext context, CancellationToken cancellationToken) =>
        HandleAsync((TCommand)command, context, cancellationToken);

    protected abstract Task<BotReply> HandleAsync(TCommand command, CommandContext context, CancellationToken cancellationToken);
}
