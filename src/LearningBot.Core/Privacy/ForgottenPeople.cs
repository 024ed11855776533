using System.Security.Cryptography;
using System.Text;

namespace LearningBot.Core.Privacy;

/// <summary>
/// The "forgotten at" stamp that ends a forgotten person's sessions and links. It is stored under a hash of the user id
/// (never the id itself) and only for as long as a credential issued before it could still be used.
/// </summary>
public static class ForgottenPeople
{
    /// <summary>
    /// How long a stamp is kept: longer than any credential lives (sign-in cookie 8 hours; private links at most 1 day,
    /// <c>Dashboard:LinkLifetime</c>), so nothing issued before the forget outlives its stamp.
    /// </summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(2);

    /// <summary>The stored key: lowercase hex SHA-256 of the UTF-8 user id (64 characters).</summary>
    public static string Key(string userId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));
}
