using LearningBot.Core.Commands;

namespace LearningBot.Core.Kudos;

/// <summary>Where a kudos came from; inline and reaction kudos are acknowledged quietly (a reaction or one short reply).</summary>
public enum KudosSource { Command, Inline, Reaction }

/// <summary>A channel named in <c>kudos top … in #channel</c>: this one (<c>here</c>, <c>this channel</c>) or one as typed.</summary>
/// <param name="Name">The channel as typed, without <c>#</c>; null for the conversation the command was sent in.</param>
public sealed record ChannelChoice(string? Name)
{
    public static readonly ChannelChoice Here = new((string?)null);
}

/// <summary>A reaction with the team's kudos emoji was removed: take back the kudos it gave, if that was within <see cref="TakeBackKudosHandler.Window"/>.</summary>
public sealed record TakeBackKudosCommand : BotCommand;

/// <summary><c>kudos hide me</c> (true) / <c>kudos show me</c> (false).</summary>
public sealed record KudosVisibilityCommand(bool Hidden) : BotCommand;

/// <summary><c>settings kudos-emoji &lt;name&gt;</c>.</summary>
public sealed record KudosEmojiChange(string Name) : SettingChange;

/// <summary><c>settings values add|remove &lt;name&gt;</c>.</summary>
public sealed record KudosValueChange(string Name, bool Add) : SettingChange;
