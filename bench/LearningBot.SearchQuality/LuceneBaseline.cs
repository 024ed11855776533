using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace LearningBot.SearchQuality;

/// <summary>
/// The peer: Lucene.Net 4.8's BM25 (k1 1.2, b 0.75) with its EnglishAnalyzer (stop words, possessives, Porter stemming), over
/// the question (boost 2, as our FTS5 title weight) and the answer; the query's analysed terms are OR-ed across both fields.
/// </summary>
public sealed class LuceneBaseline : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private readonly RAMDirectory _directory = new();
    private readonly Analyzer _analyzer = new EnglishAnalyzer(Version);
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;

    public LuceneBaseline(IEnumerable<CorpusPost> posts)
    {
        var config = new IndexWriterConfig(Version, _analyzer) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(_directory, config))
        {
            foreach (var post in posts)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", post.Id, Field.Store.YES),
                    new TextField("title", post.Question, Field.Store.NO),
                    new TextField("body", post.Answer, Field.Store.NO),
                });
            }
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = new BM25Similarity() };
    }

    public IReadOnlyList<string> Search(string text, int limit)
    {
        var query = new BooleanQuery();
        foreach (var field in new[] { "title", "body" })
        {
            foreach (var term in Terms(field, text))
            {
                query.Add(new TermQuery(new Term(field, term)) { Boost = field == "title" ? 2f : 1f }, Occur.SHOULD);
            }
        }

        if (query.Clauses.Count == 0)
        {
            return [];
        }

        return _searcher.Search(query, limit).ScoreDocs.Select(d => _searcher.Doc(d.Doc).Get("id")).ToList();
    }

    private List<string> Terms(string field, string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream(field, text);
        var attribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(attribute.ToString());
        }

        stream.End();
        return terms.Distinct().ToList();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }
}
