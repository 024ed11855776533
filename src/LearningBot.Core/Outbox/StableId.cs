using System.Security.Cryptography;
using System.Text;

namespace LearningBot.Core.Outbox;

/// <summary>Ids derived from what a record is for, so every instance computes the same id for the same thing.</summary>
public static class StableId
{
    public static string Of(params string[] parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', parts)));
        return Convert.ToHexStringLower(hash, 0, 16);
    }
}
