using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AllData.Web.Components.Shared;

/// <summary>
/// Gives MudBlazor the app's resources for its own texts ("Rows per page:", filter operators, close buttons) in the
/// user's language. MudBlazor keeps its built-in English for English; other cultures come from here.
/// </summary>
internal sealed class AllDataMudLocalizer(IStringLocalizer<MudResource> localizer) : MudLocalizer
{
    public override LocalizedString this[string key] => localizer[key];

    public override LocalizedString this[string key, params object[] arguments] => localizer[key, arguments];
}
