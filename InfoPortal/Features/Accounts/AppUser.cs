using Microsoft.AspNetCore.Identity;

namespace InfoPortal.Features.Accounts;

/// <summary>A back-office account. Every user belongs to exactly one department.</summary>
public sealed class AppUser : IdentityUser<int>
{
    public string DisplayName { get; set; } = "";

    public int DepartmentId { get; set; }

    public Department? Department { get; set; }

    /// <summary>When the password was last set; drives the expiry rule.</summary>
    public DateTimeOffset PasswordChangedAt { get; set; }

    /// <summary>Set by an administrator's reset: the next sign-in must choose a new password.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>A disabled account cannot sign in and its sessions and tokens stop working.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class AppRole : IdentityRole<int>
{
    public AppRole()
    {
    }

    public AppRole(string name) : base(name)
    {
    }
}
