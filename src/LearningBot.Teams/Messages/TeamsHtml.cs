using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;

namespace LearningBot.Teams.Messages;

/// <summary>
/// Links in Teams messages. A message's <c>text</c> carries a pasted or inserted link as its title only
/// ("see the Polly retry docs"); the address is only in the <c>text/html</c> attachment Teams adds to every
/// message it sends a bot (<c>&lt;a href="https://…"&gt;Polly retry docs&lt;/a&gt;</c>, see
/// https://github.com/MicrosoftDocs/msteams-docs/issues/3960). Stored text keeps the address as <c>title (url)</c>,
/// so it stays readable on every platform and the renderers can make it clickable.
/// </summary>
public static partial class TeamsHtml
{
    public const string HtmlContentType = "text/html";

    /// <summary>
    /// Writes each http(s) link of the message's <c>text/html</c> attachment into <paramref name="text"/>: its title
    /// (first occurrence not yet handled) becomes <c>title (url)</c>, or just <c>url</c> when the title is the address.
    /// Links already spelled out in the text, other schemes (mailto:, javascript:) and titles not found are left alone.
    /// </summary>
    public static string KeepLinks(string text, IEnumerable<Attachment>? attachments)
    {
        var html = attachments?.Where(a => string.Equals(a.ContentType, HtmlContentType, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Content switch { string s => s, JValue { Value: string s } => s, _ => null })
            .FirstOrDefault(h => !string.IsNullOrEmpty(h));
        if (html is null)
        {
            return text;
        }

        var from = 0;
        foreach (var (title, url) in Links(html))
        {
            if (text.Contains(url, StringComparison.Ordinal))
            {
                continue;
            }

            var at = text.IndexOf(title, from, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var written = SameAddress(title, url) ? url : $"{title} ({url})";
            text = string.Concat(text.AsSpan(0, at), written, text.AsSpan(at + title.Length));
            from = at + written.Length;
        }

        return text;
    }

    /// <summary>Message HTML (e.g. a message extension's <c>messagePayload.body</c>) as plain text, links as <c>title (url)</c>.</summary>
    public static string LinksAsText(string html) => AnchorRegex().Replace(html, anchor =>
    {
        var link = Link(anchor);
        var title = WebUtility.HtmlEncode(link?.Title ?? Inner(anchor));
        return link is not { } l ? title : SameAddress(l.Title, l.Url) ? WebUtility.HtmlEncode(l.Url) : $"{title} ({WebUtility.HtmlEncode(l.Url)})";
    });

    /// <summary>The http(s) links of an HTML fragment in document order: (title as shown, absolute address).</summary>
    public static IEnumerable<(string Title, string Url)> Links(string html) =>
        AnchorRegex().Matches(html).Select(Link).OfType<(string, string)>();

    private static (string Title, string Url)? Link(Match anchor)
    {
        var href = WebUtility.HtmlDecode(anchor.Groups["href"].Value).Trim();
        var title = Inner(anchor);
        // Only web addresses become text: no whitespace or angle brackets can ride along into stored text.
        return title.Length > 0 && Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
               && !href.Any(c => char.IsWhiteSpace(c) || c is '<' or '>')
            ? (title, href)
            : null;
    }

    private static string Inner(Match anchor) =>
        SpaceRegex().Replace(WebUtility.HtmlDecode(TagRegex().Replace(anchor.Groups["inner"].Value, string.Empty)), " ").Trim();

    private static bool SameAddress(string title, string url)
    {
        static string Bare(string s) => s.Replace("https://", string.Empty, StringComparison.OrdinalIgnoreCase)
            .Replace("http://", string.Empty, StringComparison.OrdinalIgnoreCase).TrimEnd('/');
        return string.Equals(Bare(title), Bare(url), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("""<a\b[^>]*?\bhref\s*=\s*(?:"(?<href>[^"]*)"|'(?<href>[^']*)')[^>]*>(?<inner>.*?)</a\s*>""",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AnchorRegex();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"[\s\u00A0]+")]
    private static partial Regex SpaceRegex();
}
