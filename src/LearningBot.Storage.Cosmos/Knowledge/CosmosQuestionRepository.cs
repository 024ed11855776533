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
            }, id, question.TeamId, d => d.RecordId, token);
            return new WriteResult<AskedQuestion>(ToQuestion(document), created);
        }, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListSinceAsync(string teamId, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, unansweredOnly: false, cancellationToken);

    public Task<IReadOnlyList<AskedQuestion>> ListUnansweredSinceAsync(string teamId, DateTimeOffset since, int limit,
        CancellationToken cancellationToken) =>
        ListAsync(teamId, since, limit, unansweredOnly: true, cancellationToken);

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
        new(d.RecordId, d.TeamId, d.AskerId, d.Text, d.Answered, DateTimeOffset.FromUnixTimeMilliseconds(d.CreatedAt), d.IdempotencyKey);
}
