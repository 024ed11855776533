using LearningBot.Core.Commands;
using LearningBot.Core.Replies;

namespace LearningBot.Core.Help;

public sealed class HelpHandler : CommandHandler<HelpCommand>
{
    protected override Task<BotReply> HandleAsync(HelpCommand command, CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Reply.Notice(ReplyKind.Help,
            new HeadingBlock("What I can do"),
            new ListBlock(CommandCatalog.All
                .Select(usage => new ListItem(RichText.Of(new CodeSpan(usage.Example), " — ", usage.Summary), usage.Usage))
                .ToList()),
            new NoteBlock("Learning is part of the work: five seconds in chat is enough.")));
}
