using System.Net;
using LearningBot.Core.Knowledge;
using LearningBot.Core.Knowledge.Semantic;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Nudges;
using LearningBot.Core.Privacy;
using LearningBot.Storage.Cosmos.Conversations;
using LearningBot.Storage.Cosmos.Installations;
using LearningBot.Storage.Cosmos.Knowledge;
using LearningBot.Storage.Cosmos.Kudos;
using LearningBot.Storage.Cosmos.Members;
using LearningBot.Storage.Cosmos.Outbox;
using LearningBot.Storage.Cosmos.Prompts;
using Microsoft.Azure.Cosmos;

namespace LearningBot.Storage.Cosmos.Privacy;

/// <summary>
/// Export and "forget me" over the team's partition of <c>teams</c> and the person's records in <c>proactive</c>.
/// There is no transaction across documents: every step is idempotent (delete, or a rewrite that leaves
/// nothing of the person), so an interrupted forget is completed by running it again. In other people's text only the
/// person's mention tokens are replaced (<see cref="MentionScrubber"/>); every query names the team (or, for delivery
/// records, the team and the sender) with parameters.
/// </summary>
public sealed class CosmosPersonalDataStore(
    CosmosStore store,
    ILearningRepository learnings,
    IKudosRepository kudos,
    IKnowledgeRepository knowledge,
    INudgeRepository nudges,
    IMemberRepository members,
    EmbeddingSignal? signal = null) : IPersonalDataStore
{
    private const int All = 100_000;
    private const string Former = IPersonalDataStore.FormerMember;

    public async Task<PersonalData> ExportAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var member = await store.RunAsync(token => CosmosStore.TryReadAsync<MemberDocument>(store.Teams, DocumentIds.Member(userId), teamId, token),
            cancellationToken);
        var given = await store.RunAsync(token => QueryTypeAsync<KudosDocument>(teamId, DocumentTypes.Kudos, "c.giverId = @userId", userId, token),
            cancellationToken);
        var questions = await store.RunAsync(token => QueryTypeAsync<QuestionDocument>(teamId, DocumentTypes.Question, "c.askerId = @userId", userId, token),
            cancellationToken);
        return new PersonalData(
            member is null ? null : new Member(teamId, userId, member.DisplayName),
            await learnings.ListAsync(new LearningQuery(teamId, userId, null, All) { IncludePrivate = true }, cancellationToken),
            given.OrderByDescending(d => d.CreatedAt).Select(CosmosKudosRepository.ToGift).ToList(),
            await kudos.ListReceivedAsync(teamId, userId, All, cancellationToken),
            await knowledge.ListAsync(new KnowledgeQuery(teamId, userId, null, All), cancellationToken),
            questions.OrderByDescending(d => d.CreatedAt).Select(CosmosQuestionRepository.ToQuestion).ToList(),
            await nudges.GetAsync(teamId, userId, cancellationToken) is not null);
    }

    public Task ForgetAsync(string teamId, string userId, bool keepSharedAnswers, DateTimeOffset at, CancellationToken cancellationToken) =>
        store.RunAsync(async token =>
        {
            // First, so that even a forget interrupted half-way has ended their sessions and links.
            await store.Teams.UpsertItemAsync(new ForgottenDocument
            {
                Id = ForgottenId(userId),
                TeamId = teamId,
                CreatedAt = at.ToUnixTimeMilliseconds(),
            }, new PartitionKey(teamId), new ItemRequestOptions { EnableContentResponseOnWrite = false }, token);
            var stale = new QueryDefinition("SELECT c.id FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.createdAt < @before")
                .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Forgotten)
                .WithParameter("@before", (at - ForgottenPeople.Kept).ToUnixTimeMilliseconds());
            foreach (var old in await store.QueryTeamAsync<IdRow>(teamId, stale, token))
            {
                await DeleteAsync(store.Teams, old.Id, teamId, token);
            }

            // Their away period (queried, not deleted blind: most people never had one).
            var away = new QueryDefinition("SELECT c.id FROM c WHERE c.teamId = @teamId AND c.type = @type AND c.userId = @userId")
                .WithParameter("@teamId", teamId).WithParameter("@type", DocumentTypes.Away).WithParameter("@userId", userId);
            foreach (var row in await store.QueryTeamAsync<IdRow>(teamId, away, token))
            {
                await DeleteAsync(store.Teams, row.Id, teamId, token);
            }

            var scrub = MentionScrubber.For(userId);
            var reembed = false;

            foreach (var d in await QueryTypeAsync<LearningDocument>(teamId, DocumentTypes.Learning, null, userId, token))
            {
                if (d.UserId == userId)
                {
                    await DeleteAsync(store.Teams, d.Id, teamId, token);
                }
                else if (scrub(d.Text) != d.Text)
                {
                    // The vector was computed from the old text (with the mention): dropped, so the new text is embedded again.
                    await UpdateAsync<LearningDocument>(d.Id, teamId, x => x with
                    {
                        Text = scrub(x.Text),
                        SearchBody = x.IsPrivate ? string.Empty : scrub(x.Text) + (x.Tags.Count > 0 ? " " + string.Join(' ', x.Tags) : string.Empty),
                        Embedding = null,
                        EmbeddingModel = string.Empty,
                    }, token);
                    reembed = true;
                }
            }

            foreach (var d in await QueryTypeAsync<QuestionDocument>(teamId, DocumentTypes.Question, null, userId, token))
            {
                if (d.AskerId == userId)
                {
                    await DeleteAsync(store.Teams, d.Id, teamId, token);
                }
                else if (scrub(d.Text) != d.Text)
                {
                    await UpdateAsync<QuestionDocument>(d.Id, teamId, x => x with { Text = scrub(x.Text) }, token);
                }
            }

            foreach (var d in await QueryTypeAsync<KnowledgeDocument>(teamId, DocumentTypes.Knowledge, null, userId, token))
            {
                if (d.AuthorId == userId)
                {
                    // Deleted, or kept anonymously without an owner to ask: either way no more reviews.
                    await DeleteAsync(store.Proactive, DocumentIds.Review(teamId, d.RecordId), Knowledge.ReviewDocument.Partition, token);
                }

                if (d.AuthorId == userId && !keepSharedAnswers)
                {
                    await DeleteAsync(store.Teams, d.Id, teamId, token);
                    continue;
                }

                await UpdateAsync<KnowledgeDocument>(d.Id, teamId, x =>
                {
                    var changed = x with
                    {
                        AuthorId = x.AuthorId == userId ? Former : x.AuthorId,
                        // Answers handed to them go back to their authors.
                        OwnerId = x.OwnerId == userId || x.AuthorId == userId ? null : x.OwnerId,
                        HelpfulBy = x.HelpfulBy.Where(v => v != userId).ToList(),
                        Question = scrub(x.Question),
                        Answer = scrub(x.Answer),
                        SearchTitle = scrub(x.SearchTitle),
                        SearchBody = scrub(x.SearchBody),
                        SearchPeople = x.SearchPeople.Select(p => p == userId ? Former : p).ToList(),
                    };
                    if (EmbeddedText.Of(changed) != EmbeddedText.Of(x))
                    {
                        // The vector still encodes the mention: dropped, and the scrubbed text is embedded again.
                        changed = changed with { Embedding = null, EmbeddingModel = string.Empty };
                        reembed = true;
                    }

                    return Same(changed, x) ? null : changed;
                }, token);
            }

            foreach (var d in await QueryTypeAsync<KudosDocument>(teamId, DocumentTypes.Kudos, null, userId, token))
            {
                if (d.ReceiverIds.Count == 1 && d.ReceiverIds[0] == userId)
                {
                    await DeleteAsync(store.Teams, d.Id, teamId, token);
                    continue;
                }

                await UpdateAsync<KudosDocument>(d.Id, teamId, x =>
                {
                    var receivers = x.ReceiverIds.Where(r => r != userId).ToList();
                    var changed = x with
                    {
                        GiverId = x.GiverId == userId ? Former : x.GiverId,
                        ReceiverIds = receivers,
                        Reason = scrub(x.Reason),
                        SearchBody = scrub(x.SearchBody),
                        SearchPeople = receivers,
                    };
                    return Same(changed, x) ? null : changed;
                }, token);
            }

            foreach (var d in await QueryTypeAsync<KudosBudgetDocument>(teamId, DocumentTypes.KudosBudget, "c.giverId = @userId", userId, token))
            {
                await DeleteAsync(store.Teams, d.Id, teamId, token);
            }

            foreach (var d in await QueryTypeAsync<InstallationDocument>(teamId, "installation", "c.installedBy = @userId", userId, token))
            {
                await UpdateAsync<InstallationDocument>(d.Id, teamId, x => x.InstalledBy == userId ? x with { InstalledBy = Former } : null, token);
            }

            await ForgetProactiveAsync(teamId, userId, token);
            await ForgetDeliveriesAsync(teamId, userId, token);

            await DeleteAsync(store.Teams, DocumentIds.KudosHidden(userId), teamId, token);
            await DeleteAsync(store.Teams, DocumentIds.Member(userId), teamId, token);
            await DeleteAsync(store.Teams, DocumentIds.PersonSettings(userId), teamId, token);
            (members as CosmosMemberRepository)?.ForgetWritten(teamId, userId);
            if (reembed)
            {
                signal?.Notify();
            }
            (kudos as Kudos.CosmosKudosRepository)?.ForgetRemembered();
        }, cancellationToken);

    public async Task<DateTimeOffset?> ForgottenAtAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        var stamp = await store.RunAsync(token => CosmosStore.TryReadAsync<ForgottenDocument>(store.Teams, ForgottenId(userId), teamId, token),
            cancellationToken);
        return stamp is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(stamp.CreatedAt);
    }

    private static string ForgottenId(string userId) => "forgotten-" + ForgottenPeople.Key(userId);

    /// <summary>
    /// Exactly their delivery records in this team: one query across the <c>deliveries</c> partitions (their records lie in
    /// every scope they wrote in, e.g. each Teams conversation), on the indexed sender fields, with parameters, never a pattern.
    /// </summary>
    private async Task ForgetDeliveriesAsync(string teamId, string userId, CancellationToken token)
    {
        var query = new QueryDefinition("SELECT c.id, c.scope FROM c WHERE c.teamId = @teamId AND c.userId = @userId")
            .WithParameter("@teamId", teamId).WithParameter("@userId", userId);
        var records = new List<DeliveryRow>();
        using (var iterator = store.Deliveries.GetItemQueryIterator<DeliveryRow>(query))
        {
            while (iterator.HasMoreResults)
            {
                records.AddRange(await iterator.ReadNextAsync(token));
            }
        }

        foreach (var record in records)
        {
            await DeleteAsync(store.Deliveries, record.Id, record.Scope, token);
        }
    }

    /// <summary>Their nudges, their conversations and what was queued for those; their mentions in other queued messages.</summary>
    private async Task ForgetProactiveAsync(string teamId, string userId, CancellationToken token)
    {
        await DeleteAsync(store.Proactive, DocumentIds.Nudge(teamId, userId), NudgeDocument.Partition, token);
        var weeks = new QueryDefinition("SELECT c.id FROM c WHERE c.pk = @pk AND c.type = 'nudgeWeek' AND c.teamId = @teamId AND c.userId = @userId")
            .WithParameter("@pk", NudgeDocument.Partition).WithParameter("@teamId", teamId).WithParameter("@userId", userId);
        foreach (var week in await CosmosStore.QueryPartitionAsync<IdRow>(store.Proactive, NudgeDocument.Partition, weeks, token))
        {
            await DeleteAsync(store.Proactive, week.Id, NudgeDocument.Partition, token);
        }

        var conversations = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = 'conversation' AND c.teamId = @teamId AND c.userId = @userId")
            .WithParameter("@pk", ConversationDocument.Partition).WithParameter("@teamId", teamId).WithParameter("@userId", userId);
        var theirs = (await CosmosStore.QueryPartitionAsync<ConversationDocument>(store.Proactive, ConversationDocument.Partition, conversations, token))
            .ToList();
        var outboxQuery = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = 'outbox' AND c.teamId = @teamId")
            .WithParameter("@pk", OutboxDocument.Partition).WithParameter("@teamId", teamId);
        foreach (var message in await CosmosStore.QueryPartitionAsync<OutboxDocument>(store.Proactive, OutboxDocument.Partition, outboxQuery, token))
        {
            if (theirs.Any(c => c.Key == message.ConversationKey))
            {
                await DeleteAsync(store.Proactive, message.Id, OutboxDocument.Partition, token);
            }
            else if (!ReferenceEquals(MentionScrubber.ScrubReplyJson(message.ReplyJson, userId), message.ReplyJson))
            {
                await CosmosStore.UpdateAsync<OutboxDocument>(store.Proactive, message.Id, OutboxDocument.Partition,
                    x => MentionScrubber.ScrubReplyJson(x.ReplyJson, userId) is var scrubbed && !ReferenceEquals(scrubbed, x.ReplyJson)
                        ? x with { ReplyJson = scrubbed }
                        : null, token);
            }
        }

        foreach (var conversation in theirs)
        {
            await DeleteAsync(store.Proactive, conversation.Id, ConversationDocument.Partition, token);
        }
    }

    /// <summary>The team's documents of one type (all, or those matching <paramref name="filter"/>): a single-partition query.</summary>
    private Task<List<T>> QueryTypeAsync<T>(string teamId, string type, string? filter, string userId, CancellationToken token)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.teamId = @teamId AND c.type = @type" + (filter is null ? string.Empty : " AND " + filter))
            .WithParameter("@teamId", teamId)
            .WithParameter("@type", type);
        if (filter is not null)
        {
            query = query.WithParameter("@userId", userId);
        }

        return store.QueryTeamAsync<T>(teamId, query, token);
    }

    private Task UpdateAsync<T>(string id, string teamId, Func<T, T?> change, CancellationToken token)
        where T : class, IETagged =>
        CosmosStore.UpdateAsync(store.Teams, id, teamId, change, token);

    private static async Task DeleteAsync(Container container, string id, string partitionKey, CancellationToken token)
    {
        try
        {
            await container.DeleteItemAsync<object>(id, new PartitionKey(partitionKey), cancellationToken: token);
        }
        catch (CosmosException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone: a repeated forget.
        }
    }

    private static bool Same<T>(T changed, T original) =>
        System.Text.Json.JsonSerializer.Serialize(changed, CosmosStore.SerializerOptions) ==
        System.Text.Json.JsonSerializer.Serialize(original, CosmosStore.SerializerOptions);

    private sealed record IdRow(string Id);

    private sealed record DeliveryRow(string Id, string Scope);
}
