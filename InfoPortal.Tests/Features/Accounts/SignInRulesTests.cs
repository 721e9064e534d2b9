using System.Net;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Limits;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>Unit tests of the rules behind sign-in: password, expiry, networks, throttling, separation of duties.</summary>
public sealed class SignInRulesTests
{
    private static PasswordPolicy Policy(Action<SecurityOptions>? change = null)
    {
        var options = new SecurityOptions();
        change?.Invoke(options);
        return new PasswordPolicy(Options.Create(options));
    }

    [Theory]
    [InlineData("Abcdef1!", true)]      // four classes
    [InlineData("abcdef12", false)]     // two classes
    [InlineData("abcdefg1A", true)]     // three classes
    [InlineData("ABCDEF1!", true)]      // upper, digit, symbol
    [InlineData("Ab1!", false)]         // too short
    [InlineData("密码Abc123", true)]    // CJK counts as a symbol class
    public void Password_NeedsLengthAndThreeClasses(string password, bool ok)
    {
        Assert.Equal(ok, Policy().Check(password, "someone").Count == 0);
    }

    [Fact]
    public void Password_ContainingUserName_IsRefused_CaseInsensitive()
    {
        var problems = Policy().Check("xOFFICER#2026", "officer");
        Assert.Equal([PasswordProblem.ContainsUserName], problems);
    }

    [Fact]
    public void Password_MinimumLength_ComesFromConfiguration()
    {
        Assert.Contains(PasswordProblem.TooShort, Policy(o => o.Password.MinLength = 12).Check("Abcdef1!xyz", "u"));
        Assert.Empty(Policy(o => o.Password.MinLength = 12).Check("Abcdef1!xyz0", "u"));
    }

    [Fact]
    public void Password_Expires_After90Days_OrWhenResetByAdmin()
    {
        var policy = Policy();
        var now = DateTimeOffset.UtcNow;
        Assert.False(policy.IsExpired(new AppUser { PasswordChangedAt = now.AddDays(-89) }, now));
        Assert.True(policy.IsExpired(new AppUser { PasswordChangedAt = now.AddDays(-91) }, now));
        Assert.True(policy.IsExpired(new AppUser { PasswordChangedAt = now, MustChangePassword = true }, now));
        Assert.False(Policy(o => o.Password.ExpiryDays = 0).IsExpired(new AppUser { PasswordChangedAt = now.AddYears(-3) }, now));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.20.30.40", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.254", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.10", true)]
    [InlineData("::ffff:192.168.1.10", true)]  // IPv4-mapped
    [InlineData("203.0.113.9", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("fd12:3456::1", true)]
    public void OfficeNetworks_DefaultsAreLoopbackAndPrivateRanges(string address, bool allowed)
    {
        var policy = new OfficeNetworkPolicy(Options.Create(new SecurityOptions()));
        Assert.Equal(allowed, policy.IsAllowed(IPAddress.Parse(address)));
    }

    [Fact]
    public void OfficeNetworks_Configured_ReplaceDefaults_AndUnknownAddressIsRefused()
    {
        var policy = new OfficeNetworkPolicy(["198.51.100.0/24", "203.0.113.5"]);
        Assert.True(policy.IsAllowed(IPAddress.Parse("198.51.100.77")));
        Assert.True(policy.IsAllowed(IPAddress.Parse("203.0.113.5")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("203.0.113.6")));
        Assert.False(policy.IsAllowed(IPAddress.Loopback));
        Assert.False(policy.IsAllowed(null));
        Assert.Throws<FormatException>(() => new OfficeNetworkPolicy(["office"]));
    }

    [Theory]
    [InlineData(new[] { "SystemAdmin", "AuditAdmin" }, true)]
    [InlineData(new[] { "SystemAdmin", "SecrecyOfficer" }, true)]
    [InlineData(new[] { "SecrecyOfficer", "AuditAdmin" }, true)]
    [InlineData(new[] { "SystemAdmin", "Officer" }, true)]            // ADR 0022: no business role beside a separated one
    [InlineData(new[] { "SecrecyOfficer", "Publisher", "Assessor" }, true)]
    [InlineData(new[] { "AuditAdmin", "Leader" }, true)]
    [InlineData(new[] { "DeptHead", "Officer" }, false)]
    [InlineData(new[] { "SystemAdmin" }, false)]
    [InlineData(new[] { "Leader", "Publisher", "Assessor" }, false)]
    public void SeparationOfDuties_SeparatedRolesAreHeldAlone(string[] roles, bool conflict)
    {
        Assert.Equal(conflict, Roles.FindSeparationConflict(roles) is not null);
    }

    [Fact]
    public async Task Throttle_BlocksAnAddressAfterTooManyFailures_ThenForgetsAfterTheWindow()
    {
        await using var app = new PortalFactory();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = new AttemptLimiter(app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), clock);
        var throttle = new SignInThrottle(limiter, Options.Create(new SecurityOptions { MaxFailuresPerAddress = 3, FailureWindowMinutes = 10 }));
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await throttle.IsBlockedAsync("10.0.0.1"));
            Assert.True(await throttle.TryBeginAsync("10.0.0.1"));
        }

        Assert.True(await throttle.IsBlockedAsync("10.0.0.1"));
        Assert.False(await throttle.TryBeginAsync("10.0.0.1"));
        Assert.False(await throttle.IsBlockedAsync("10.0.0.2"));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.False(await throttle.IsBlockedAsync("10.0.0.1"));
        Assert.True(await throttle.TryBeginAsync("10.0.0.1"));
    }

    [Theory]
    [InlineData("/admin/users", "/admin/users")]
    [InlineData("/", "/")]
    [InlineData("https://evil.example/", "/office")]
    [InlineData("//evil.example/", "/office")]
    [InlineData("/\\evil.example/", "/office")]
    [InlineData(null, "/office")]
    public void ReturnUrl_OnlyLocalPaths(string? url, string expected)
    {
        Assert.Equal(expected, SafeReturnUrl.Of(url));
    }
}
