using Microsoft.Extensions.Localization;
using MudBlazor;

namespace InfoPortal.Infrastructure.Localization;

/// <summary>
/// MudBlazor's own words (the red "Required", a date picker's "Open", "Close" on alerts and dialogs)
/// from our resources as <c>Mud.&lt;MudBlazor key&gt;</c>: MudBlazor ships English only, and those
/// words stood in English on zh-CN pages. A key we do not carry falls back to MudBlazor's English.
/// </summary>
public sealed class PortalMudLocalizer(IStringLocalizer<SharedResource> L) : MudLocalizer
{
    public override LocalizedString this[string key]
    {
        get
        {
            var text = L["Mud." + key];
            return text.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : new LocalizedString(key, text.Value);
        }
    }

    public override LocalizedString this[string key, params object[] arguments]
    {
        get
        {
            var text = L["Mud." + key, arguments];
            return text.ResourceNotFound ? new LocalizedString(key, key, resourceNotFound: true) : new LocalizedString(key, text.Value);
        }
    }
}
