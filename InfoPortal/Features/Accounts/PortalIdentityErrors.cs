using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Identity's own messages in the user's language. Identity checks the minimum length too (our
/// <see cref="PolicyPasswordValidator"/> does the real checks); its English "Passwords must be at
/// least 8 characters." stood beside our Chinese sentence, so it now says the same sentence, and
/// the callers drop the duplicate.
/// </summary>
public sealed class PortalIdentityErrors(IStringLocalizer<SharedResource> L) : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = L["Password.TooShort", length] };

    public override IdentityError PasswordMismatch() =>
        new() { Code = nameof(PasswordMismatch), Description = L["Password.CurrentWrong"] };

    public override IdentityError DuplicateUserName(string userName) =>
        new() { Code = nameof(DuplicateUserName), Description = L["Users.UserNameTaken"] };
}
