using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts;

/// <summary>The words a person reads when a sign-in does not go through, and a safe return address.</summary>
public static class SignInMessages
{
    public static string Describe(IStringLocalizer L, SignInOutcome outcome) => outcome.Status switch
    {
        SignInStatus.NetworkRefused => L["SignIn.NetworkRefused"],
        SignInStatus.TooManyAttempts => L["SignIn.TooManyAttempts"],
        SignInStatus.LockedOut => L["SignIn.LockedOut", Api.AccountsApi.Minutes(outcome.LockoutEnd)],
        SignInStatus.Disabled => L["SignIn.Disabled"],
        SignInStatus.PasswordExpired => L["SignIn.PasswordExpired"],
        SignInStatus.InvalidTwoFactorCode => L["TwoFactor.CodeInvalid"],
        SignInStatus.RequiresTwoFactor => L["SignIn.TwoFactorRequired"],
        _ => L["SignIn.Invalid"],
    };
}

public static class SafeReturnUrl
{
    public const string BackOfficeHome = "/office";

    /// <summary>Only a local path; anything else (another host, //, /\) goes to the back-office home.</summary>
    public static string Of(string? url) =>
        Infrastructure.Web.LocalUrl.IsLocal(url) && !url!.StartsWith("/account/log", StringComparison.Ordinal) ? url : BackOfficeHome;
}
