namespace InfoPortal.Features.Accounts;

/// <summary>
/// An API bearer token. Only the SHA-256 of the secret is stored; the secret is shown once.
/// Session tokens come from <c>POST /api/v1/auth/token</c>; personal tokens are made on the profile page.
/// </summary>
public sealed class AccessToken
{
    public int Id { get; set; }

    public int UserId { get; set; }

    public AccessTokenKind Kind { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the token secret.</summary>
    public string TokenHash { get; set; } = "";

    /// <summary>The first characters of the secret, so a user can tell tokens apart.</summary>
    public string Prefix { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

public enum AccessTokenKind
{
    Session = 1,
    Personal = 2,
}
