using LearningBot.Core.Knowledge;
using LearningBot.Core.Kudos;
using LearningBot.Core.Learnings;
using LearningBot.Core.Members;
using LearningBot.Core.Settings;
using LearningBot.Core.Storage;

namespace LearningBot.Tests.Storage;

/// <summary>Every repository of one storage engine, over one fresh, empty database.</summary>
public sealed record StoreUnderTest(
    ITeamSettingsRepository Settings,
    IMemberRepository Members,
    ILearningRepository Learnings,
    IKudosRepository Kudos,
    IKnowledgeRepository Knowledge,
    IQuestionRepository Questions,
    ISearchIndex Search,
    IDeliveryLog Deliveries,
    IAnswerChannelRepository AnswerChannels)
{
    public Core.Away.IAwayRepository Away { get; init; } = null!;
}
