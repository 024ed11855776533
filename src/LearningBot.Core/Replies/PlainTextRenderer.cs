using System.Text;

namespace LearningBot.Core.Replies;

/// <summary>Renders a reply as plain text: the notification/fallback text on every platform.</summary>
public static class PlainTextRenderer
{
    public static string Render(BotReply reply)
    {
        var text = new StringBuilder();
        foreach (var block in reply.Blocks)
        {
            switch (block)
            {
                case HeadingBlock heading:
                    text.AppendLine(heading.Text);
                    break;
                case TextBlock paragraph:
                    text.AppendLine(paragraph.Text.ToPlainText());
                    break;
                case NoteBlock note:
                    text.AppendLine(note.Text.ToPlainText());
                    break;
                case ListBlock list:
                    foreach (var item in list.Items)
                    {
                        text.Append("• ").Append(item.Text.ToPlainText());
                        if (item.Meta is not null)
                        {
                            text.Append(" (").Append(item.Meta).Append(')');
                        }

                        text.AppendLine();
                    }

                    break;
                case FactsBlock facts:
                    foreach (var fact in facts.Facts)
                    {
                        text.Append(fact.Label).Append(": ").AppendLine(fact.Value);
                    }

                    break;
                case ActionsBlock:
                    break; // buttons have no plain-text form
            }
        }

        return text.ToString().TrimEnd();
    }
}
