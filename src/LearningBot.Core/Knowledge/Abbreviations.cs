using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace LearningBot.Core.Knowledge;

/// <summary>
/// Common IT abbreviations that the packaged sentence models do not read as what they stand for, so a question or topic made of
/// one finds nothing: all-MiniLM-L6-v2 scores "k8s" 0.21 against "how Kubernetes network policies block traffic…" (MiniLM's Relevant
/// threshold for <c>who knows</c> is 0.40, its Floor 0.30), "k8s Kubernetes" 0.50 (<c>bench/LearningBot.QuestionCalibration --
/// --similar MiniLM</c>, 2026-11-30). A search text gets the long forms of the abbreviations in it appended in parentheses, so both the
/// words and the meaning see them: <c>"who knows k8s"</c> searches <c>"k8s (Kubernetes)"</c>. Only abbreviations with one common
/// meaning on software and IT teams are listed ("tf" could be Terraform or TensorFlow, "cd" a directory: not listed); a long form
/// already in the text is not added again. The model's limits are in docs/search.md, "What the model does not know".
/// </summary>
public static partial class Abbreviations
{
    private static readonly FrozenDictionary<string, string> LongForms = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["k8s"] = "Kubernetes",
        ["pg"] = "Postgres",
        ["db"] = "database",
        ["mfa"] = "multi-factor authentication",
        ["2fa"] = "two-factor authentication",
        ["sso"] = "single sign-on",
        ["pto"] = "paid time off",
        ["ooo"] = "out of office",
        ["wfh"] = "work from home",
        ["iac"] = "infrastructure as code",
        ["gha"] = "GitHub Actions",
        ["rbac"] = "role-based access control",
        ["iam"] = "identity and access management",
        ["oom"] = "out of memory",
        ["vm"] = "virtual machine",
        ["vms"] = "virtual machines",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="text"/> with the long forms of its abbreviations appended in parentheses, in order of appearance
    /// (<c>"mfa for k8s"</c> → <c>"mfa for k8s (multi-factor authentication, Kubernetes)"</c>); the text itself when it has none.
    /// Whole words only, any case; mentions and emoji shortcodes are not words.
    /// </summary>
    public static string Expand(string text)
    {
        List<string>? added = null;
        foreach (Match word in WordRegex().Matches(Commands.Grammar.WithoutMarkup(text)))
        {
            if (LongForms.TryGetValue(word.Value, out var longForm) && !text.Contains(longForm, StringComparison.OrdinalIgnoreCase)
                && !(added ??= []).Contains(longForm, StringComparer.Ordinal))
            {
                added.Add(longForm);
            }
        }

        return added is null or [] ? text : new StringBuilder(text).Append(" (").AppendJoin(", ", added).Append(')').ToString();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordRegex();
}
