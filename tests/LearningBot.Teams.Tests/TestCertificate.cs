using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LearningBot.Teams.Tests;

/// <summary>
/// The loopback stub's HTTPS certificate, trusted for the duration of the test run.
/// Why trust it machine-wide for this user: Bot Framework fetches OpenID metadata with its own static
/// HttpClient (no way to inject a handler), and Microsoft.IdentityModel refuses plain-HTTP metadata. On Linux
/// .NET honours the CurrentUser\Root store, so the certificate is added there once and removed after the run.
/// It is valid for one day and its private key only ever exists in this process.
/// </summary>
[SetUpFixture]
public sealed class TestCertificate
{
    private static readonly Lazy<X509Certificate2> Created = new(Create);

    public static X509Certificate2 Instance => Created.Value;

    [OneTimeSetUp]
    public void Trust()
    {
        using var store = new X509Store(StoreName.Root, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(X509CertificateLoader.LoadCertificate(Instance.Export(X509ContentType.Cert)));
    }

    [OneTimeTearDown]
    public void Untrust()
    {
        using var store = new X509Store(StoreName.Root, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        foreach (var certificate in store.Certificates.Find(X509FindType.FindByThumbprint, Instance.Thumbprint, validOnly: false))
        {
            store.Remove(certificate);
        }
    }

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=LearningBot test stub 127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
