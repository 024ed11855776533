using System.Text;

namespace LearningBot.Benchmarks.Corpus;

/// <summary>
/// Deterministic, English-looking workplace text: sentences drawn from a vocabulary of about 3,000
/// words with Zipf-distributed frequencies over the whole vocabulary (s = 1): the function words take
/// the top ranks and about half of all tokens, as in English, and content words follow from rank 41
/// (the most common one is about 0.3% of tokens, so in roughly one document in eight), which is what
/// makes full-text search costs realistic. Same seed, same text, on every machine.
/// </summary>
public sealed class TextGenerator
{
    public const int VocabularySize = 3000;

    // Function words carry no search weight but make sentences (and the stop-word handling) realistic.
    private static readonly string[] FunctionWords =
    [
        "the", "to", "a", "of", "and", "in", "is", "for", "we", "it", "on", "with", "that", "this", "you", "be", "when",
        "how", "can", "our", "from", "by", "at", "an", "or", "do", "if", "not", "so", "your", "which", "what", "after",
        "before", "into", "about", "should", "there", "then", "use",
    ];

    // Real content words, most frequent first; the rest of the vocabulary is generated below.
    private static readonly string[] RealWords =
    [
        "team", "service", "deploy", "review", "test", "build", "release", "data", "code", "customer", "meeting", "config",
        "database", "query", "cache", "api", "error", "log", "user", "request", "issue", "design", "pipeline", "server",
        "network", "security", "access", "token", "version", "branch", "merge", "feature", "bug", "fix", "performance",
        "latency", "memory", "cluster", "kubernetes", "docker", "container", "image", "registry", "secret", "key", "rotation",
        "certificate", "dns", "proxy", "load", "balancer", "timeout", "retry", "queue", "message", "event", "stream", "kafka",
        "postgres", "index", "migration", "schema", "table", "backup", "restore", "incident", "alert", "dashboard", "metric",
        "trace", "monitoring", "oncall", "runbook", "postmortem", "outage", "rollback", "canary", "flag", "experiment",
        "roadmap", "planning", "estimate", "sprint", "backlog", "ticket", "priority", "stakeholder", "feedback", "mentoring",
        "onboarding", "documentation", "wiki", "diagram", "architecture", "interface", "contract", "dependency", "library",
        "package", "upgrade", "terraform", "ansible", "script", "shell", "python", "rust", "typescript", "react", "frontend",
        "backend", "mobile", "android", "ios", "accessibility", "localization", "translation", "invoice", "billing", "payment",
        "refund", "subscription", "pricing", "contract", "legal", "privacy", "gdpr", "consent", "audit", "compliance",
        "policy", "permission", "role", "group", "tenant", "workspace", "channel", "notification", "email", "webhook",
        "integration", "partner", "vendor", "support", "escalation", "sla", "ticketing", "survey", "interview", "hiring",
        "candidate", "presentation", "workshop", "training", "course", "book", "article", "podcast", "conference", "talk",
        "pairing", "refactoring", "testing", "coverage", "flaky", "benchmark", "profiling", "allocation", "garbage",
        "collection", "thread", "async", "lock", "deadlock", "race", "transaction", "isolation", "replica", "sharding",
        "partition", "throughput", "capacity", "scaling", "autoscaler", "budget", "cost", "forecast", "report", "spreadsheet",
        "analysis", "sql", "notebook", "model", "training", "prediction", "feature", "pipeline", "etl", "warehouse",
        "lake", "parquet", "csv", "json", "yaml", "regex", "parser", "compiler", "linter", "formatter", "editor", "shortcut",
        "terminal", "git", "rebase", "cherry", "pick", "stash", "bisect", "hook", "ci", "runner", "artifact", "cache",
        "storage", "bucket", "cdn", "domain", "routing", "gateway", "auth", "oauth", "sso", "saml", "password", "mfa",
        "phishing", "vulnerability", "patch", "scanner", "firewall", "vpn", "laptop", "printer", "office", "desk", "travel",
        "expense", "holiday", "calendar", "standup", "retro", "demo", "okr", "goal", "career", "promotion", "salary",
        "burnout", "focus", "writing", "negotiation", "delegation", "coaching", "conflict", "communication", "empathy",
        "listening", "facilitation", "decision", "tradeoff", "prototype", "sketch", "wireframe", "figma", "color", "font",
        "layout", "animation", "component", "state", "hook", "render", "bundle", "webpack", "vite", "npm", "nuget",
        "dotnet", "java", "kotlin", "golang", "swift", "elixir", "erlang", "haskell", "scala", "clojure", "lisp", "vim",
        "emacs", "vscode", "debugger", "breakpoint", "stacktrace", "heap", "dump", "crash", "exception", "panic", "signal",
        "socket", "http", "grpc", "graphql", "rest", "websocket", "tls", "handshake", "cipher", "hash", "signature",
        "encryption", "decryption", "compression", "serialization", "protobuf", "avro", "thrift", "cron", "scheduler",
        "batch", "job", "worker", "lambda", "function", "serverless", "region", "zone", "failover", "disaster", "recovery",
    ];

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ran", "tor", "vel", "sen", "dra", "qui", "pol", "mer", "tas", "nor", "bel", "cor", "din", "fa",
        "gen", "hil", "jor", "lun", "mos", "nex", "pra", "ros", "sil", "tem", "ul", "var", "wen", "zor", "cal", "dex", "er",
    ];

    private readonly Random _random;
    private readonly string[] _contentWords;
    private readonly double[] _contentCumulative;
    private readonly double _functionShare;

    public TextGenerator(int seed)
    {
        _random = new Random(seed);
        _contentWords = BuildVocabulary(seed);
        _contentCumulative = new double[_contentWords.Length];
        var total = 0.0;
        for (var rank = 0; rank < _contentWords.Length; rank++)
        {
            total += 1.0 / (FunctionWords.Length + rank + 1); // Zipf, s = 1, ranked after the function words
            _contentCumulative[rank] = total;
        }

        _functionShare = FunctionWordWeight() / (FunctionWordWeight() + total);
    }

    public IReadOnlyList<string> ContentWords => _contentWords;

    public static readonly string[] Tags =
    [
        "kubernetes", "databases", "security", "frontend", "backend", "testing", "devops", "networking", "design", "product",
        "leadership", "mentoring", "writing", "performance", "observability", "incident", "hiring", "onboarding", "data",
        "ml", "mobile", "accessibility", "billing", "privacy", "cloud", "terraform", "rust", "python", "dotnet", "react",
        "sql", "git", "ci", "docs", "architecture", "api", "support", "sales", "finance", "legal",
    ];

    public int Next(int maxExclusive) => _random.Next(maxExclusive);

    public double NextDouble() => _random.NextDouble();

    public string ContentWord()
    {
        var target = _random.NextDouble() * _contentCumulative[^1];
        var index = Array.BinarySearch(_contentCumulative, target);
        return _contentWords[index < 0 ? ~index : index];
    }

    /// <summary>A content word from the long tail (rank 200 and lower): specific, as people's real questions often are.</summary>
    public string RareWord() => _contentWords[200 + _random.Next(_contentWords.Length - 200)];

    public string Sentence(int minWords, int maxWords)
    {
        var count = minWords + _random.Next(maxWords - minWords + 1);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var word = _random.NextDouble() < _functionShare ? FunctionWord() : ContentWord();
            if (i == 0)
            {
                text.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
            }
            else
            {
                text.Append(' ').Append(word);
            }
        }

        return text.Append('.').ToString();
    }

    private string FunctionWord()
    {
        // Zipf within the function words too (rank 1 = "the").
        var target = _random.NextDouble() * FunctionWordWeight();
        var sum = 0.0;
        for (var rank = 0; rank < FunctionWords.Length; rank++)
        {
            sum += 1.0 / (rank + 1);
            if (sum >= target)
            {
                return FunctionWords[rank];
            }
        }

        return FunctionWords[^1];
    }

    private static double FunctionWordWeight() => Enumerable.Range(1, FunctionWords.Length).Sum(rank => 1.0 / rank);

    public string Paragraph(int minSentences, int maxSentences)
    {
        var count = minSentences + _random.Next(maxSentences - minSentences + 1);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => Sentence(6, 18)));
    }

    public string Question()
    {
        string[] openers = ["How do we", "How do I", "What is the way to", "Where do we", "Who can", "Why does the", "When should we"];
        var words = Enumerable.Range(0, 2 + _random.Next(5)).Select(_ => ContentWord());
        return $"{openers[_random.Next(openers.Length)]} {string.Join(' ', words)}?";
    }

    public IReadOnlyList<string> SomeTags(int max)
    {
        var count = _random.Next(max + 1);
        return Enumerable.Range(0, count).Select(_ => Tags[_random.Next(Tags.Length)]).Distinct().ToList();
    }

    private static string[] BuildVocabulary(int seed)
    {
        // Real words first (the most frequent), then made-up two- and three-syllable words standing in for the
        // long tail of product names, jargon and rarer English. Separate Random: the vocabulary must not depend
        // on how much text was generated before.
        var random = new Random(seed ^ 0x5eed);
        var words = new List<string>(VocabularySize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in RealWords)
        {
            if (seen.Add(word))
            {
                words.Add(word);
            }
        }

        while (words.Count < VocabularySize)
        {
            var syllables = 2 + random.Next(2);
            var word = string.Concat(Enumerable.Range(0, syllables).Select(_ => Syllables[random.Next(Syllables.Length)]));
            if (!FunctionWords.Contains(word) && seen.Add(word))
            {
                words.Add(word);
            }
        }

        return words.ToArray();
    }
}
