using AllData.Domain.Common;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AllData.Web.Components.Shared;

/// <summary>Runs a user action and reports its outcome in a snackbar: success, a rule broken, or not allowed.</summary>
public static class Ui
{
    public static async Task<bool> TryAsync(ISnackbar snackbar, IStringLocalizer localizer, Func<Task> action, string? success = null)
    {
        try
        {
            await action();
            if (success is not null)
            {
                snackbar.Add(success, Severity.Success);
            }

            return true;
        }
        catch (DomainException e)
        {
            snackbar.Add(localizer[e.Message], Severity.Error);
        }
        catch (UnauthorizedAccessException)
        {
            snackbar.Add(localizer["Your role does not allow this."], Severity.Error);
        }

        return false;
    }
}
