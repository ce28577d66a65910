using MudBlazor;

namespace AllData.Web.Components.Layout;

/// <summary>The one theme of the app: compact, neutral, with clear status colours; a dark palette for the wall.</summary>
public static class AllDataTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6feb",
            Secondary = "#6e40c9",
            AppbarBackground = "#0d1b2a",
            AppbarText = "#ffffff",
            Background = "#f6f8fa",
            DrawerBackground = "#ffffff",
            Success = "#1a7f37",
            Error = "#cf222e",
            Warning = "#bf8700",
            Info = "#0969da",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#58a6ff",
            Secondary = "#a371f7",
            AppbarBackground = "#010409",
            Background = "#0d1117",
            Surface = "#161b22",
            DrawerBackground = "#0d1117",
            Success = "#3fb950",
            Error = "#f85149",
            Warning = "#d29922",
            Info = "#58a6ff",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Segoe UI", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Helvetica", "Arial", "sans-serif"],
                FontSize = "0.875rem",
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px", DrawerWidthLeft = "232px" },
    };
}
