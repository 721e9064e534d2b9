using MudBlazor;

namespace InfoPortal.Components.Layout;

/// <summary>Government-style blue with AA contrast; CJK system fonts (no web-font download).</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b4a8b",
            Secondary = "#8b1a1a",
            AppbarBackground = "#0b4a8b",
            TextSecondary = "rgba(0,0,0,0.70)",
            // Status colours dark enough for white text and for text on white (WCAG AA 4.5:1).
            Success = "#1b6e35",
            Warning = "#8a4b00",
            Error = "#b3261e",
            Info = "#0b5cad",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Noto Sans SC", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "sans-serif"],
            },
        },
    };
}
