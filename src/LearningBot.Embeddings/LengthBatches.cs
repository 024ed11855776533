namespace LearningBot.Embeddings;

/// <summary>
/// Splits a batch of texts into model calls of similar length. The sentence-transformers tokenizer pads every text of a call to
/// the longest one, and a transformer's cost grows with the padded length (attention quadratically), so one 300-word answer in a
/// batch of 16 short learnings made all 16 cost like it: measured on stackfaq documents (mean 450 characters), 160–240 ms of CPU
/// per document in unsorted batches of 16 against ~45 ms one by one or grouped like this. Short texts still share a call
/// (4.4 ms per document in a call of 16 against 7.3 ms alone, for the load test's learnings).
/// </summary>
internal static class LengthBatches
{
    /// <summary>Characters per call at most (the model reads at most 256 tokens, ~1,000 characters, of each text).</summary>
    public const int MaxCharactersPerCall = 2000;

    /// <summary>The padding a call may add, as a share of its texts' own length (by characters, a proxy for tokens).</summary>
    public const double MaxPadding = 0.10;

    /// <summary>Groups of indexes into <paramref name="texts"/>: each sorted by length, every index exactly once.</summary>
    public static IReadOnlyList<int[]> Group(IReadOnlyList<string> texts)
    {
        // A text counts for at most what the model reads of it.
        static int Length(string text) => Math.Min(Math.Max(text.Length, 1), MaxCharactersPerCall / 2);
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => Length(texts[i])).ToArray();
        var groups = new List<int[]>();
        var current = new List<int>();
        long sum = 0;
        foreach (var index in order)
        {
            var length = Length(texts[index]);
            var padded = (long)(current.Count + 1) * length; // sorted ascending: this text is the longest so far
            if (current.Count > 0 && (padded > MaxCharactersPerCall || padded > (sum + length) * (1 + MaxPadding)))
            {
                groups.Add([.. current]);
                current.Clear();
                sum = 0;
            }

            current.Add(index);
            sum += length;
        }

        if (current.Count > 0)
        {
            groups.Add([.. current]);
        }

        return groups;
    }
}
