using System.Text.Json;
using System.Text.Json.Serialization;

namespace LearningBot.SearchQuality;

/// <summary>One post of <c>corpus.jsonl</c>: <c>{"id", "question", "answer"}</c> (the stackfaq format, /work/shared/data/stackfaq/README.md).</summary>
public sealed record CorpusPost(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string Answer);

/// <summary>One line of <c>queries.jsonl</c>: <c>{"query", "relevant": [post ids]}</c>; any relevant post counts as a hit.</summary>
public sealed record EvaluationQuery(
    [property: JsonPropertyName("query")] string Text,
    [property: JsonPropertyName("relevant")] IReadOnlyList<string> Relevant);

public sealed record EvaluationSet(IReadOnlyList<CorpusPost> Corpus, IReadOnlyList<EvaluationQuery> Queries)
{
    /// <summary>Reads both files; a malformed line stops with its file and line number.</summary>
    public static EvaluationSet Load(string corpusPath, string queriesPath) =>
        new(ReadLines<CorpusPost>(corpusPath), ReadLines<EvaluationQuery>(queriesPath));

    private static List<T> ReadLines<T>(string path)
    {
        var rows = new List<T>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            rows.Add(JsonSerializer.Deserialize<T>(line) ?? throw new InvalidDataException($"{path}:{number}: empty row"));
        }

        return rows;
    }
}

/// <summary>First-hit rate, top-3 rate and mean reciprocal rank (of the first relevant post within the ranked list, 0 if none).</summary>
public sealed class Scores
{
    private int _count;
    private int _first;
    private int _top3;
    private double _reciprocal;

    public void Add(IReadOnlyList<string> ranked, IReadOnlyList<string> relevant)
    {
        _count++;
        var rank = ranked.Select((id, i) => (id, i)).FirstOrDefault(p => relevant.Contains(p.id), (id: "", i: -1)).i;
        if (rank == 0)
        {
            _first++;
        }

        if (rank is >= 0 and < 3)
        {
            _top3++;
        }

        _reciprocal += rank >= 0 ? 1.0 / (rank + 1) : 0;
    }

    public double First => _first / (double)Math.Max(_count, 1);

    public double Top3 => _top3 / (double)Math.Max(_count, 1);

    public double Mrr => _reciprocal / Math.Max(_count, 1);

    public override string ToString() => $"{First,7:P1} {Top3,7:P1} {Mrr,6:F3}";
}
