namespace InfoPortal.Features.Accounts;

/// <summary>
/// A server-side record of one back-office sign-in. The sign-in cookie carries only its id, so the
/// server decides when a session ends: idle timeout, a newer sign-in (one session per account),
/// sign-out, or an administrator's action.
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }

    public int UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public SessionEndReason? EndReason { get; set; }
}

public enum SessionEndReason
{
    SignedOut = 1,
    Superseded = 2,
    IdleTimeout = 3,
    AccountDisabled = 4,
    PasswordReset = 5,
    PasswordChanged = 6,
}
