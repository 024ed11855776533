using System.Globalization;
using System.Text;

namespace LearningBot.LoadTest;

/// <summary>
/// The table that splits each phase's host CPU into the chat path and the background embedder (issue 14: "CPU per request"
/// compared honestly with lexical-only search, and the embedder's documents per CPU-second), for the real host's steps.
/// </summary>
public static class EmbedderSplit
{
    public static string Markdown(IReadOnlyList<StepResult> results, Func<StepResult, string> name)
    {
        var steps = results.Where(r => r.Target is Target.Sqlite or Target.Socket or Target.Cosmos).ToList();
        if (steps.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Host CPU per request split by thread: the background embedder (thread `{EmbedderProbe.ThreadName}`) and the rest (chat path); documents embedded in the phase (SQLite) and per embedder CPU-second:");
        text.AppendLine();
        text.AppendLine("| target | rate (req/s) | phase | CPU per request (ms) | chat path (ms) | embedder (ms) | embedder (cores) | documents embedded | documents per embedder CPU-s |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in steps)
        {
            foreach (var (phase, cpu) in new[] { ("main", r.Cpu) }.Concat(r.Kinds.Select(k => (k.Stream.ToString(), k.Cpu))))
            {
                var cores = cpu.Wall > TimeSpan.Zero ? cpu.EmbedderCpu / cpu.Wall : 0;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name(r)} | {r.Rate} | {phase} | {cpu.MsPerRequest:F2} | {cpu.ChatMsPerRequest:F2} | {cpu.EmbedderMsPerRequest:F2} | {cores:F2} | {cpu.Embedded} | {cpu.DocumentsPerCpuSecond:F0} |"));
            }
        }

        return text.ToString();
    }
}
