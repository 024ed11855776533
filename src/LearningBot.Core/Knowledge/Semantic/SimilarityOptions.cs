namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>
/// <c>Search:Similarity</c> in configuration: overrides of the model's <see cref="SimilarityThresholds"/> and query prefix, for a
/// model without a calibrated <see cref="ModelProfile"/> (e.g. an operator's own <c>IEmbeddingGenerator</c>): calibrate it with
/// <c>bench/LearningBot.QuestionCalibration</c> and set what it prints. Unset values keep the model's profile (or, for an unknown
/// model, all-MiniLM-L6-v2's, with a warning at start-up). Checked at start-up (<see cref="SimilarityThresholds.Problem"/>).
/// </summary>
public sealed class SimilarityOptions
{
    public const string Section = "Search:Similarity";

    public double? Floor { get; set; }

    public double? Relevant { get; set; }

    public double? SameQuestion { get; set; }

    public double? Answered { get; set; }

    public double? Offer { get; set; }

    /// <summary>Text put before every query before it is embedded; null keeps the profile's.</summary>
    public string? QueryPrefix { get; set; }

    /// <summary>Whether any value is set.</summary>
    public bool Any => Floor is not null || Relevant is not null || SameQuestion is not null || Answered is not null || Offer is not null
                       || QueryPrefix is not null;

    /// <summary><paramref name="profile"/> with the values set here.</summary>
    public ModelProfile Apply(ModelProfile profile) => profile with
    {
        QueryPrefix = QueryPrefix ?? profile.QueryPrefix,
        Thresholds = new SimilarityThresholds(
            Floor ?? profile.Thresholds.Floor,
            Relevant ?? profile.Thresholds.Relevant,
            SameQuestion ?? profile.Thresholds.SameQuestion,
            Answered ?? profile.Thresholds.Answered,
            Offer ?? profile.Thresholds.Offer),
    };
}
