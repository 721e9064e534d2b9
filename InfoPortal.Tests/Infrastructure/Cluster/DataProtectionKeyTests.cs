using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Infrastructure.Cluster;

/// <summary>Issue 13 item 8: the data-protection keys the instances share are encrypted at rest.</summary>
public sealed class DataProtectionKeyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Keys_WithACertificateConfigured_AreStoredEncryptedAndStillSignIn(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var pfx = Path.Combine(app.DataFolder, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=InfoPortal data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "drill-secret"));
        }

        app.With("DataProtection:CertificatePath", pfx).With("DataProtection:CertificatePassword", "drill-secret");
        using var client = app.CreatePortalClient();
        await client.SignInAsync("officer");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/office")).StatusCode);

        await using var db = app.CreateDbContext();
        var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Start_WithAMissingCertificate_Refuses()
    {
        await using var app = new PortalFactory().With("DataProtection:CertificatePath", "/nonexistent/keys.pfx");
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains("DataProtection:CertificatePath", error.ToString(), StringComparison.Ordinal);
    }
}
