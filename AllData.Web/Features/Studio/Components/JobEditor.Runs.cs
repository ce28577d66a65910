using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Studio;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;
using AllData.Web.Components.Shared;
using AllData.Web.Components.Shared.SqlEditor;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace AllData.Web.Features.Studio.Components;

/// <summary>The run side of a job tab: start (all, at cursor, selection), stop, follow, mark errors, explain.</summary>
public sealed partial class JobEditor
{
    private async Task<string> CurrentTextAsync() => (await CurrentAsync()).Text;

    private async Task RunSelectionAsync()
    {
        var request = await CurrentAsync();
        if (PreviewsAt(request))
        {
            await PreviewAsync(request);
            return;
        }

        await StartAsync(Range(request));
    }

    private async Task RunAllAsync()
    {
        await CurrentAsync();
        await StartAsync(null);
    }

    private async Task StartAsync(StatementRange? range)
    {
        if (!CanRun || !await SaveBeforeRunAsync())
        {
            return;
        }

        RunStarted? started = null;
        if (_editor is not null)
        {
            await _editor.ClearEngineErrorsAsync();
        }

        if (!await Ui.TryAsync(Snackbar, S, async () => started = await Runs.StartAsync(JobId, RunTrigger.Manual, null, range)) || started is null)
        {
            return;
        }

        _errorsShownFor = null;
        _previewId = null;
        if (started.PreparationError is { } error && _editor is not null)
        {
            var position = error.Position ?? new SqlPosition(1, 1);
            var length = error.VariableName is { } name ? name.Length + 3 : 1;
            await _editor.SetEngineErrorsAsync([new EditorMarker(position.Line, position.Column, error.Message, position.Line, position.Column + length)]);
            await _editor.RevealLineAsync(position.Line);
        }

        _bottomTab = started.PreparationError is null ? 0 : 1;
        await _watch.FollowAsync(started.RunId);
    }

    /// <summary>
    /// A run runs the stored draft, so the draft must be the text this tab shows: unsaved text is saved first, and a draft
    /// someone saved since (another tab, another user) goes through the conflict dialog instead of being run unseen.
    /// </summary>
    private async Task<bool> SaveBeforeRunAsync()
    {
        if (_dirty || _job is null)
        {
            return await SaveAsync();
        }

        var stored = await Jobs.GetAsync(JobId);
        if (stored.Version == _job.Version)
        {
            return true;
        }

        var shown = Draft(stored.Version);
        if (stored.DraftSql == shown.Sql && stored.DataSourceId == shown.DataSourceId && stored.TimeoutSeconds == shown.TimeoutSeconds
            && stored.RowCap == shown.RowCap && stored.Variables.OrderBy(v => v.Key).SequenceEqual(shown.Variables.OrderBy(v => v.Key)))
        {
            // Saved elsewhere, but with exactly what this tab shows: nothing to ask.
            _job = stored;
            return true;
        }

        return await SaveAsync();
    }

    private async Task StopAsync()
    {
        if (PreviewRunning)
        {
            await StopPreviewAsync();
            return;
        }

        if (_watch.RunId is { } id)
        {
            await Ui.TryAsync(Snackbar, S, () => Runs.CancelAsync(id));
        }
    }

    private async Task OnRunChangedAsync()
    {
        if (_watch.Status is { } status && status.IsFinal() && _watch.RunId != _errorsShownFor && _editor is not null)
        {
            _errorsShownFor = _watch.RunId;
            var errors = (_watch.Results?.Outcomes ?? []).Where(o => o.Status == SqlRunStatus.Failed).Select(o => o.Error).OfType<SqlRunError>().Where(e => e.Position is not null)
                .Select(e => new EditorMarker(e.Position!.Value.Line, e.Position.Value.Column, e.Message)).ToList();
            if (errors.Count > 0)
            {
                await InvokeAsync(async () =>
                {
                    await _editor.SetEngineErrorsAsync(errors);
                    await _editor.RevealLineAsync(errors[0].Line);
                });
                _bottomTab = 2;
            }
        }

        await InvokeAsync(StateHasChanged);
    }

    private async Task RevealAsync(SqlRunError error)
    {
        if (error.Position is { } p && _editor is not null)
        {
            await _editor.RevealLineAsync(p.Line);
        }
    }

    private async Task ExplainAsync(bool analyze)
    {
        if (_dataSourceId is not { } source)
        {
            Snackbar.Add(S["Choose a data source first."], Severity.Warning);
            return;
        }

        if (analyze && await Dialogs.ShowMessageBoxAsync(S["Explain analyze"],
                (string)S["EXPLAIN ANALYZE executes the statement (inside a transaction that is rolled back afterwards). Run it?"],
                yesText: S["Execute and explain"], cancelText: S["Cancel"]) != true)
        {
            return;
        }

        var offset = (await CurrentAsync()).CursorOffset;
        if (await Ui.TryAsync(Snackbar, S, async () => _plan = await Explainer.ExplainAsync(JobId, source, _text, offset, analyze, Draft(0).Variables)))
        {
            _bottomTab = 3;
        }
    }
}
