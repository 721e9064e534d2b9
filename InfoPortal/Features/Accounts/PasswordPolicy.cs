using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// The password rule: a minimum length, a number of character classes out of four, and not
/// containing the user name. Also decides whether a password has expired.
/// </summary>
public sealed class PasswordPolicy(IOptions<SecurityOptions> options)
{
    private PasswordRules Rules => options.Value.Password;

    public IReadOnlyList<PasswordProblem> Check(string password, string? userName)
    {
        var problems = new List<PasswordProblem>();
        if (password.Length < Rules.MinLength)
        {
            problems.Add(PasswordProblem.TooShort);
        }

        if (CountClasses(password) < Rules.RequiredCharacterClasses)
        {
            problems.Add(PasswordProblem.TooFewClasses);
        }

        if (Rules.ForbidUserName && !string.IsNullOrEmpty(userName) &&
            password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(PasswordProblem.ContainsUserName);
        }

        return problems;
    }

    public static int CountClasses(string password)
    {
        bool lower = false, upper = false, digit = false, symbol = false;
        foreach (var c in password)
        {
            if (char.IsLower(c)) lower = true;
            else if (char.IsUpper(c)) upper = true;
            else if (char.IsDigit(c)) digit = true;
            else symbol = true;
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
    }

    public bool IsExpired(AppUser user, DateTimeOffset now) =>
        user.MustChangePassword ||
        (Rules.ExpiryDays > 0 && now - user.PasswordChangedAt > TimeSpan.FromDays(Rules.ExpiryDays));
}

public enum PasswordProblem
{
    TooShort,
    TooFewClasses,
    ContainsUserName,
}

/// <summary>Plugs <see cref="PasswordPolicy"/> into Identity so every password change obeys it.</summary>
public sealed class PolicyPasswordValidator(PasswordPolicy policy, IOptions<SecurityOptions> options, IStringLocalizer<SharedResource> L)
    : IPasswordValidator<AppUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var problems = policy.Check(password ?? "", user.UserName);
        if (problems.Count == 0)
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var errors = problems.Select(p => new IdentityError { Code = "Password" + p, Description = Describe(p) });
        return Task.FromResult(IdentityResult.Failed([.. errors]));
    }

    private string Describe(PasswordProblem problem) => problem switch
    {
        PasswordProblem.TooShort => L["Password.TooShort", options.Value.Password.MinLength],
        PasswordProblem.TooFewClasses => L["Password.TooFewClasses", options.Value.Password.RequiredCharacterClasses],
        _ => L["Password.ContainsUserName"],
    };
}
