namespace InfoPortal.Features.Accounts;

/// <summary>
/// The sign-in rules of rules.md §1 第十五条 and MLPS 2.0, bound from the <c>Security</c> section.
/// The defaults here are the documented defaults; appsettings.json repeats them for visibility.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    public PasswordRules Password { get; set; } = new();

    public LockoutRules Lockout { get; set; } = new();

    public SessionRules Session { get; set; } = new();

    /// <summary>
    /// CIDR ranges from which back-office sign-in (page and token endpoint) is allowed.
    /// Default: loopback and the private ranges of RFC 1918 / RFC 4193.
    /// </summary>
    public List<string> OfficeNetworks { get; set; } = [];

    /// <summary>
    /// Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For sets the client address.
    /// Empty: none, and the header is ignored from everyone.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Lifetime of a token from <c>POST /api/v1/auth/token</c>.</summary>
    public int ApiTokenHours { get; set; } = 8;

    /// <summary>Failed sign-ins from one IP address within the window before it gets 429.</summary>
    public int MaxFailuresPerAddress { get; set; } = 30;

    public int FailureWindowMinutes { get; set; } = 15;

    public static readonly IReadOnlyList<string> DefaultOfficeNetworks =
    [
        "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
    ];

    public IReadOnlyList<string> EffectiveOfficeNetworks =>
        OfficeNetworks.Count > 0 ? OfficeNetworks : DefaultOfficeNetworks;
}

public sealed class PasswordRules
{
    public int MinLength { get; set; } = 8;

    /// <summary>How many of the four classes (lower, upper, digit, symbol) a password needs.</summary>
    public int RequiredCharacterClasses { get; set; } = 3;

    public bool ForbidUserName { get; set; } = true;

    /// <summary>After this many days the password must be changed at the next sign-in. 0 turns expiry off.</summary>
    public int ExpiryDays { get; set; } = 90;
}

public sealed class LockoutRules
{
    public int MaxFailedAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;
}

public sealed class SessionRules
{
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>One active session per account: a new sign-in ends the older one.</summary>
    public bool SingleSession { get; set; } = true;

    /// <summary>How often an open Blazor circuit re-checks that its session is still valid.</summary>
    public int RevalidateSeconds { get; set; } = 30;
}
