using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace LearningBot.Slack.Verification;

/// <summary>Outcome of checking one request; <see cref="Reason"/> is safe to return to the caller (no secrets).</summary>
public sealed record SignatureCheck(bool IsValid, string Reason)
{
    public static readonly SignatureCheck Valid = new(true, "ok");
}

/// <summary>
/// Slack request signing: <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{raw body}</c> keyed with the
/// signing secret. Fails closed: no secret, no header or an old timestamp is a failure, never a skip.
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    private const string Version = "v0";

    /// <summary>The <c>X-Slack-Signature</c> value for a request: <c>v0=</c> and 64 lower-case hex digits.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<char> signature = stackalloc char[SignatureLength];
        Sign(signingSecret, timestamp, body, signature);
        return new string(signature);
    }

    /// <summary>
    /// Verifies a request: <see cref="CheckHeaders"/>, then the HMAC over the exact body bytes (constant-time compare).
    /// Rule source: https://api.slack.com/authentication/verifying-requests-from-slack.
    /// </summary>
    public static SignatureCheck Verify(string? signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan maxAge)
    {
        var headers = CheckHeaders(signingSecret, timestamp, signature, now, maxAge);
        if (!headers.IsValid)
        {
            return headers;
        }

        return Matches(signingSecret!, timestamp!, signature!, body)
            ? SignatureCheck.Valid
            : new SignatureCheck(false, "signature does not match");
    }

    private const int SignatureLength = 3 + 2 * HMACSHA256.HashSizeInBytes; // "v0=" + hex

    /// <summary>
    /// <see cref="Compute"/> compared with <paramref name="signature"/> exactly (lower-case hex, as Slack sends it), in constant
    /// time: how much of the signature matched must not show in the response time.
    /// </summary>
    private static bool Matches(string signingSecret, string timestamp, string signature, ReadOnlySpan<byte> body)
    {
        Span<char> expected = stackalloc char[SignatureLength];
        Sign(signingSecret, timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes<char>(expected), MemoryMarshal.AsBytes(signature.AsSpan()));
    }

    /// <summary>
    /// Writes <c>v0=</c> + hex HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> into <paramref name="signature"/>
    /// (<see cref="SignatureLength"/> chars) without building strings: the message in a pooled buffer, the HMAC on the stack, the
    /// key's bytes kept per secret (issue 18: five allocations per request, one of them the size of the body).
    /// </summary>
    private static void Sign(string signingSecret, string timestamp, ReadOnlySpan<byte> body, Span<char> signature)
    {
        var prefixLength = Version.Length + 1 + Encoding.UTF8.GetByteCount(timestamp) + 1;
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength + body.Length);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            var message = rented.AsSpan(0, prefixLength + body.Length);
            var at = Encoding.ASCII.GetBytes(Version + ":", message);
            at += Encoding.UTF8.GetBytes(timestamp, message[at..]);
            message[at++] = (byte)':';
            body.CopyTo(message[at..]);
            HMACSHA256.HashData(Key(signingSecret), message, hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        (Version + "=").CopyTo(signature);
        Convert.TryToHexStringLower(hash, signature[(Version.Length + 1)..], out _);
    }

    private sealed record SecretKey(string Secret, byte[] Bytes);

    private static SecretKey? _key;

    /// <summary>The secret's UTF-8 bytes, kept for the (one) configured secret.</summary>
    private static byte[] Key(string signingSecret)
    {
        var key = Volatile.Read(ref _key);
        if (key is null || !string.Equals(key.Secret, signingSecret, StringComparison.Ordinal))
        {
            key = new SecretKey(signingSecret, Encoding.UTF8.GetBytes(signingSecret));
            Volatile.Write(ref _key, key);
        }

        return key.Bytes;
    }

    /// <summary>
    /// What can be checked before the body is read: a configured secret, both headers present, and a numeric
    /// timestamp (Unix seconds) no further than <paramref name="maxAge"/> from <paramref name="now"/> either way.
    /// A request failing this is refused without reading its body (so it costs no capacity).
    /// </summary>
    public static SignatureCheck CheckHeaders(string? signingSecret, string? timestamp, string? signature, DateTimeOffset now, TimeSpan maxAge)
    {
        if (string.IsNullOrEmpty(signingSecret))
        {
            return new SignatureCheck(false, "Slack signing secret is not configured");
        }

        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return new SignatureCheck(false, $"missing {TimestampHeader} or {SignatureHeader} header");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return new SignatureCheck(false, "timestamp is not a number");
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        // A request from the future is as suspect as an old one (a replay with a forged clock).
        if (age.Duration() > maxAge)
        {
            return new SignatureCheck(false, "timestamp is outside the allowed window (replay?)");
        }

        return SignatureCheck.Valid;
    }
}
