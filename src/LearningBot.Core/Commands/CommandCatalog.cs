namespace LearningBot.Core.Commands;

/// <summary>One command's documentation: used by <c>help</c> and by every parse error, so they never disagree.</summary>
public sealed record CommandUsage(string Name, string Usage, string Example, string Summary);

public static class CommandCatalog
{
    public static readonly CommandUsage Learned = new("learned",
        "learned [--private] <what you learned> [#tag …] [30m|2h]",
        "learned how to read EXPLAIN plans #postgres 30m",
        "Log something you learned, with optional tags and time spent.");

    public static readonly CommandUsage LearnedList = new("learned list",
        "learned list [me|@person|team] [week|month|all]",
        "learned list team week",
        "See recent learnings, newest first.");

    public static readonly CommandUsage Kudos = new("kudos",
        "kudos @person [@person …] <what for> [#value]",
        "kudos @bo for walking me through the incident review #mentoring",
        "Thank people publicly for help or progress.");

    public static readonly CommandUsage KudosTop = new("kudos top",
        "kudos top [week|month|all]",
        "kudos top month",
        "Who received the most kudos.");

    public static readonly CommandUsage Share = new("share",
        "share <question> :: <answer> [#tag …]",
        "share How do I rotate the staging keys? :: Run `make rotate-keys` from the ops repo #ops",
        "Write an answer down once so nobody has to ask again.");

    public static readonly CommandUsage Ask = new("ask",
        "ask <question>",
        "ask how do we rotate staging keys",
        "Search everything the team shared and learned.");

    public static readonly CommandUsage WhoKnows = new("who knows",
        "who knows <topic>",
        "who knows kubernetes",
        "Find people who shared, learned or were thanked for a topic.");

    public static readonly CommandUsage Digest = new("digest",
        "digest [week]",
        "digest",
        "This week's learnings and kudos, grouped by tag.");

    public static readonly CommandUsage Settings = new("settings",
        "settings [budget <1-100> | leaderboard on|off | timezone <Area/City>]",
        "settings budget 8",
        "Show team settings; admins can change them.");

    public static readonly CommandUsage Prompt = new("prompt",
        "prompt set <days> <HH:mm> [Area/City] [\"question\"] | prompt show|pause|resume|skip next|now|off",
        "prompt set mon,thu 09:30 Europe/Berlin",
        "Post the standing-meeting question in this channel and collect the answers.");

    public static readonly CommandUsage Nudge = new("nudge",
        "nudge on [<day> <HH:mm>] | nudge off",
        "nudge on fri 15:00",
        "A weekly DM asking what you learned; your reply is logged.");

    public static readonly CommandUsage Me = new("me", "me", "me",
        "Your learnings, streak, kudos received and answers you shared.");

    public static readonly CommandUsage Insights = new("insights", "insights [week|month]", "insights month",
        "The team's learning signals, with a private link to the dashboard.");

    public static readonly CommandUsage Export = new("export", "export me | export team", "export me",
        "Download everything stored about you (admins: the team's data as CSV).");

    public static readonly CommandUsage Forget = new("forget me", "forget me keep-answers | forget me delete-answers", "forget me",
        "Delete what is stored about you; your shared answers are kept anonymously or deleted, as you choose.");

    public static readonly CommandUsage Help = new("help", "help", "help", "Show every command with an example.");

    public static IReadOnlyList<CommandUsage> All { get; } =
        [Learned, LearnedList, Kudos, KudosTop, Share, Ask, WhoKnows, Digest, Prompt, Nudge, Me, Insights, Export, Forget, Settings, Help];
}
