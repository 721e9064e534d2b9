using System.Security.Cryptography;
using System.Text;

namespace InfoPortal.Features.Audit;

/// <summary>
/// One security event (审计日志). Append-only and hash-chained: <see cref="Hash"/> covers every
/// field and the previous record's hash, so altering or deleting a row breaks the chain.
/// </summary>
public sealed class AuditRecord
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public long Id { get; set; }

    /// <summary>1, 2, 3 … without gaps; unique, so two writers can never fork the chain.</summary>
    public long Sequence { get; set; }

    /// <summary>UTC, truncated to milliseconds so every database stores it exactly.</summary>
    public DateTimeOffset At { get; set; }

    public int? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    public string? IpAddress { get; set; }

    /// <summary>A stable action code such as <c>SignIn</c> or <c>UserCreated</c>; see <see cref="AuditActions"/>.</summary>
    public string Action { get; set; } = "";

    public string? Target { get; set; }

    public AuditOutcome Outcome { get; set; }

    /// <summary>Free detail: the reason of a refusal, the changed fields.</summary>
    public string? Detail { get; set; }

    public string PreviousHash { get; set; } = GenesisHash;

    public string Hash { get; set; } = "";

    public string ComputeHash()
    {
        // Length-prefixed fields: no value can be shifted into its neighbour without changing the hash.
        var builder = new StringBuilder();
        void Add(string? value)
        {
            value ??= "\u2400";
            builder.Append(value.Length).Append(':').Append(value).Append('|');
        }

        Add(Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(At.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(ActorId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(ActorName);
        Add(IpAddress);
        Add(Action);
        Add(Target);
        Add(Outcome.ToString());
        Add(Detail);
        Add(PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}

public enum AuditOutcome
{
    Success = 1,
    Failure = 2,
    Refused = 3,
}

/// <summary>The single row that remembers the chain's tail, so deleting the newest records is detected too.</summary>
public sealed class AuditHead
{
    public int Id { get; set; } = 1;

    public long LastSequence { get; set; }

    public string LastHash { get; set; } = AuditRecord.GenesisHash;
}

/// <summary>Action codes written to the audit log. Stable: scripts and exports filter on them.</summary>
public static class AuditActions
{
    public const string SignIn = "SignIn";
    public const string SignOut = "SignOut";
    public const string SessionEnded = "SessionEnded";
    public const string TokenIssued = "TokenIssued";
    public const string TokenRevoked = "TokenRevoked";
    public const string PasswordChanged = "PasswordChanged";
    public const string PasswordReset = "PasswordReset";
    public const string TwoFactorChanged = "TwoFactorChanged";
    public const string UserCreated = "UserCreated";
    public const string UserUpdated = "UserUpdated";
    public const string UserDisabled = "UserDisabled";
    public const string UserEnabled = "UserEnabled";
    public const string RolesChanged = "RolesChanged";
    public const string DepartmentCreated = "DepartmentCreated";
    public const string DepartmentUpdated = "DepartmentUpdated";
    public const string SettingsChanged = "SettingsChanged";
    public const string AuditExported = "AuditExported";
    public const string AuditVerified = "AuditVerified";
}
