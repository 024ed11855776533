using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace LearningBot.Web.Dashboard;

/// <summary>
/// Protects the dashboard sign-in cookie with AES-256-GCM under a key derived (HKDF-SHA256) from the links'
/// signing key. ASP.NET Core Data Protection would keep a key ring per instance unless it is stored somewhere
/// shared; this way every instance with the same <c>Dashboard:SigningKey</c> reads every other instance's
/// cookies, and a restart signs nobody out. Each purpose gets its own derived key.
/// </summary>
internal sealed class SigningKeyProtector : IDataProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SigningKeyProtector(byte[] secret, string purpose) =>
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.UTF8.GetBytes("learningbot/" + purpose));

    public IDataProtector CreateProtector(string purpose) => new SigningKeyProtector(_key, purpose);

    /// <returns>nonce | tag | ciphertext</returns>
    public byte[] Protect(byte[] plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return output;
    }

    /// <exception cref="CryptographicException">Tampered with, cut short, or protected under another key.</exception>
    public byte[] Unprotect(byte[] protectedData)
    {
        if (protectedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected data is too short.");
        }

        var plaintext = new byte[protectedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(protectedData.AsSpan(0, NonceSize), protectedData.AsSpan(NonceSize + TagSize),
            protectedData.AsSpan(NonceSize, TagSize), plaintext);
        return plaintext;
    }
}
