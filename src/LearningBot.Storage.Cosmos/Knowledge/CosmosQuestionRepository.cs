using LearningBot.Core.Knowledge;
using LearningBot.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Knowledge;

public sealed class CosmosQuestionRepository(CosmosStore store) : IQuestionRepository
{
    public Task<WriteResult<AskedQuestion>> AddAsync(AskedQuestion question, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            var id = DocumentIds.Question(question.IdempotencyKey);
            var (document, created) = await store.CreateOnceAsync(new QuestionDocument
            {
                Id = id,
                TeamId = question.TeamId,
                RecordId = question.Id,
                AskerId = question.AskerId,
                Text = question.Text,
                Answered = question.Answered,
                CreatedAt = question.CreatedAt.ToUnixTimeMilliseconds(),
                IdempotencyKey = question.IdempotencyKey,
                GroupId = question.GroupId,
                Embedding = question.Embedding?.ToArray(),
                EmbeddingModel = question.Embedding is null ? null : question.EmbeddingModel,
                TopAnswerId = question.TopAnswerId,
                Verdict = (int)question.Verdict,
                Origin = (int)question.Origin,
            }, id, question.TeamId, d => d.RecordId, token);
            return new WriteResult<AskedQuestion>(ToQuestion(document), created);
        }, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, unansweredOnly: false, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListUnansweredSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, unansweredOnly: true, cancellationToken);

    public Task<AskedQuestion?> GetAsync(string teamId, string questionId, CancellationToken cancellationToken) =>
        store.RunAsync(async token => await FindAsync(teamId, questionId, token) is { } document ? ToQuestion(document) : null, cancellationToken);

    public Task<AskedQuestion?> SetVerdictAsync(string teamId, string questionId, string answerId, AnswerVerdict verdict,
        CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            // The button names the record id; the document id comes from the idempotency key, so find it first (recordId is indexed).
            if (await FindAsync(teamId, questionId, token) is not { } found)
            {
                return null;
            }

            var updated = await CosmosStore.UpdateFromAsync(store.Teams, found, found.Id, teamId,
                d => d with { Verdict = (int)verdict, Answered = verdict == AnswerVerdict.Helped, TopAnswerId = answerId }, token);
            return updated is null ? null : ToQuestion(updated);
        }, cancellationToken);

    private async Task<QuestionDocument?> FindAsync(string teamId, string questionId, CancellationToken token)
    {
        var definition = new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.recordId = @recordId")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Question)
            .WithParameter("@recordId", questionId);
        return (await store.QueryTeamAsync<QuestionDocument>(teamId, definition, token)).FirstOrDefault();
    }

    private Task<IReadOnlyList<AskedQuestion>> ListAsync(string teamId, DateTimeOffset since, int limit, bool unansweredOnly,
        CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition(
                $"SELECT TOP {Math.Max(0, limit)} * FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.createdAt >= @since"
                + (unansweredOnly ? " AND c.answered = false" : string.Empty) + " ORDER BY c.createdAt DESC")
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", DocumentTypes.Question)
            .WithParameter("@since", since.ToUnixTimeMilliseconds());
        return store.RunAsync<IReadOnlyList<AskedQuestion>>(async token =>
            (await store.QueryTeamAsync<QuestionDocument>(teamId, definition, token)).Select(ToQuestion).ToList(), cancellationToken);
    }

    internal static AskedQuestion ToQuestion(QuestionDocument d) =>
        new(d.RecordId, d.TeamId, d.AskerId, d.Text, d.Answered, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), d.IdempotencyKey)
        {
            GroupId = d.GroupId,
            // No vector and an empty one are both "none". Cast to the nullable first: "? memory : null" would type the conditional
            // as ReadOnlyMemory<float> and turn null into an empty vector (null converts to float[] and on to ReadOnlyMemory).
            Embedding = d.Embedding is { Length: > 0 } vector ? (ReadOnlyMemory<float>?)vector : null,
            EmbeddingModel = d.EmbeddingModel,
            TopAnswerId = d.TopAnswerId,
            Verdict = (AnswerVerdict)d.Verdict,
            Origin = (QuestionOrigin)d.Origin,
        };
}
