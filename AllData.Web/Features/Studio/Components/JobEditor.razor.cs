using AllData.Domain.Catalog;
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

/// <summary>One open job: toolbar, settings, editor, variables and the bottom panel (results, console, outcomes, explain, versions).</summary>
public sealed partial class JobEditor
{
    private JobDetail? _job;
    private string _text = string.Empty;
    private Guid? _dataSourceId;

    /// <summary>The editor's dialect: a Database SQL job is written in its chosen source's dialect.</summary>
    private SqlDialect EditorDialect => _job!.Type.Dialect(_sources.FirstOrDefault(s => s.Id == _dataSourceId)?.Kind);
    private int? _timeout;
    private int _rowCap = Job.DefaultRowCap;
    private List<VariableRow> _variables = [];
    private IReadOnlyList<DataSourceSummary> _sources = [];
    private bool _dirty;
    private int _bottomTab;
    private ExplainResult? _plan;
    private SqlEditor? _editor;
    private ICompletionCatalog? _catalog;
    private IReadOnlyList<string> _workspaceVariableNames = [];
    private IReadOnlyList<string> _variableNames = [];
    private VersionsPanel? _versionsPanel;
    private RunWatch _watch = default!;
    private Guid? _errorsShownFor;

    [Inject] private JobService Jobs { get; set; } = default!;
    [Inject] private JobVersionService Versions { get; set; } = default!;
    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private ExplainService Explainer { get; set; } = default!;
    [Inject] private DataSourceService Sources { get; set; } = default!;
    [Inject] private CatalogService Catalog { get; set; } = default!;
    [Inject] private VariableService WorkspaceVariables { get; set; } = default!;
    [Inject] private ILiveEvents Events { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter] private UserAccess? Access { get; set; }

    [Parameter, EditorRequired] public Guid JobId { get; set; }

    /// <summary>Raised when the unsaved state changes (the tab shows ●).</summary>
    [Parameter] public EventCallback<bool> OnDirtyChanged { get; set; }

    private bool CanEdit => Access?.Can(WorkspaceRole.Developer) == true;

    private bool CanRun => CanEdit && !_watch.IsActive;

    protected override async Task OnInitializedAsync()
    {
        _watch = new RunWatch(Events, Runs);
        _watch.Changed += OnRunChangedAsync;
        _sources = await Sources.ListAsync();
        _workspaceVariableNames = await WorkspaceVariables.NamesAsync();
        Apply(await Jobs.GetAsync(JobId));
    }

    private Task SourceChangedAsync()
    {
        _catalog = _dataSourceId is { } id ? new SourceCompletionCatalog(Catalog, id) : null;
        return MarkDirty();
    }

    private void RefreshVariableNames() =>
        _variableNames = [.. _workspaceVariableNames.Concat(_variables.Select(v => v.Name)).Where(n => n.Length > 0).Distinct().Order()];

    private void Apply(JobDetail job)
    {
        _job = job;
        _text = job.DraftSql;
        _dataSourceId = job.DataSourceId ?? (_sources.Count == 1 ? _sources[0].Id : null);
        _timeout = job.TimeoutSeconds;
        _rowCap = job.RowCap;
        _variables = [.. job.Variables.Select(v => new VariableRow(Guid.NewGuid(), v.Key, v.Value))];
        _catalog = _dataSourceId is { } id ? new SourceCompletionCatalog(Catalog, id) : null;
        RefreshVariableNames();

        // A data source picked for the user (the only one there is) still has to be saved.
        _ = SetDirtyAsync(job.DataSourceId is null && _dataSourceId is not null);
    }

    private async Task SetDirtyAsync(bool dirty)
    {
        if (_dirty != dirty)
        {
            _dirty = dirty;
            await OnDirtyChanged.InvokeAsync(dirty);
        }
    }

    private Task MarkDirty()
    {
        RefreshVariableNames();
        return SetDirtyAsync(true);
    }

    private async Task OnTextChanged(string text)
    {
        if (text != _text)
        {
            _text = text;
            await SetDirtyAsync(true);
        }
    }

    private async Task OnEditorSaveAsync(string text)
    {
        await OnTextChanged(text);
        await SaveAsync();
    }

    private async Task OnEditorRunAsync(RunRequest request)
    {
        await OnTextChanged(request.Text);
        if (PreviewsAt(request))
        {
            await PreviewAsync(request);
            return;
        }

        await StartAsync(Range(request));
    }

    private async Task OnEditorRunAllAsync(string text)
    {
        await OnTextChanged(text);
        await StartAsync(null);
    }

    private static StatementRange Range(RunRequest request) =>
        request.HasSelection ? new StatementRange(request.SelectionStart, request.SelectionEnd) : new StatementRange(request.CursorOffset, request.CursorOffset);

    /// <summary>The editor's latest text and caret (the bound value follows typing with a short delay).</summary>
    private async Task<RunRequest> CurrentAsync()
    {
        var request = _editor is null ? new RunRequest(_text, 0, 0, 0) : await _editor.GetRunRequestAsync();
        await OnTextChanged(request.Text);
        return request;
    }

    private JobDraft Draft(int basedOn) => new(_text, _dataSourceId, _timeout, _rowCap,
        _variables.Where(v => v.Name.Length > 0).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value), basedOn);

    /// <summary>Saves; on a conflict asks whether to overwrite or reload. Returns false when the draft is not saved.</summary>
    private async Task SaveClickedAsync()
    {
        await CurrentAsync();
        await SaveAsync();
    }

    private async Task<bool> SaveAsync()
    {
        if (_job is null || !CanEdit)
        {
            return false;
        }

        try
        {
            JobDetail? saved = null;
            if (!await Ui.TryAsync(Snackbar, S, async () => saved = await Jobs.SaveAsync(JobId, Draft(_job.Version))) || saved is null)
            {
                return false;
            }

            _job = saved;
            await SetDirtyAsync(false);
            return true;
        }
        catch (JobConflictException conflict)
        {
            var parameters = new DialogParameters<ConflictDialog> { { d => d.Conflict, conflict }, { d => d.Mine, _text } };
            var dialog = await Dialogs.ShowAsync<ConflictDialog>(S["Someone else saved this job"], parameters, new DialogOptions { MaxWidth = MaxWidth.Large, FullWidth = true });
            switch ((await dialog.Result)?.Data)
            {
                case ConflictChoice.Overwrite:
                    _job = conflict.Current;
                    return await SaveAsync();
                case ConflictChoice.Reload:
                    Apply(conflict.Current);
                    break;
            }

            return false;
        }
    }

    private async Task PublishAsync()
    {
        await CurrentAsync();
        if (_dirty && !await SaveAsync())
        {
            return;
        }

        var dialog = await Dialogs.ShowAsync<PublishDialog>(S["Publish"], new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        JobVersionSummary? version = null;
        if (await dialog.Result is { Canceled: false, Data: string comment } &&
            await Ui.TryAsync(Snackbar, S, async () => version = await Versions.PublishAsync(JobId, comment)) && version is not null)
        {
            Snackbar.Add(S["Published version {0}", version.Number], Severity.Success);
            _job = await Jobs.GetAsync(JobId);
            ShowVersions();
            if (_versionsPanel is not null)
            {
                await _versionsPanel.ReloadAsync();
            }
        }
    }

    private void ShowVersions() => _bottomTab = 4;

    private async Task RestoreAsync(JobVersionSummary version)
    {
        var text = _dirty ? S["Restore v{0} into the draft? Your unsaved changes are lost.", version.Number] : S["Restore v{0} into the draft?", version.Number];
        if (_job is null || await Dialogs.ShowMessageBoxAsync(S["Restore"], (string)text, yesText: S["Restore"], cancelText: S["Cancel"]) != true)
        {
            return;
        }

        try
        {
            JobDetail? restored = null;
            if (await Ui.TryAsync(Snackbar, S, async () => restored = await Versions.RestoreAsync(JobId, version.Id, _job.Version), S["Restored v{0}", version.Number]) && restored is not null)
            {
                Apply(restored);
            }
        }
        catch (JobConflictException conflict)
        {
            Snackbar.Add(conflict.Message, Severity.Warning);
            Apply(conflict.Current);
        }
    }

    private static Color StatusColor(RunStatus status) => status switch
    {
        RunStatus.Finished => Color.Success,
        RunStatus.Failed => Color.Error,
        RunStatus.Canceled or RunStatus.Canceling => Color.Warning,
        _ => Color.Info,
    };

    public void Dispose()
    {
        if (_watch is not null)
        {
            _watch.Changed -= OnRunChangedAsync;
            _watch.Dispose();
        }
    }
}
