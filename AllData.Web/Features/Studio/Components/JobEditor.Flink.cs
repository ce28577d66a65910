using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Flink;
using AllData.Web.Components.Shared;
using AllData.Web.Components.Shared.SqlEditor;
using Microsoft.AspNetCore.Components;

namespace AllData.Web.Features.Studio.Components;

/// <summary>The Flink SQL side of a job tab: a query at the cursor previews through the SQL Gateway; Explain shows the gateway's plan.</summary>
public sealed partial class JobEditor
{
    private Guid? _previewId;
    private FlinkPreviewState? _previewState;
    private string? _flinkPlan;

    [Inject] private FlinkPreviewService Previews { get; set; } = default!;

    private bool IsFlinkSql => _job?.Type == JobType.FlinkSql;

    private bool PreviewRunning => _previewState == FlinkPreviewState.Running;

    /// <summary>True when the statement at the cursor (or the selection's last statement) of a Flink SQL job is a query: it previews.</summary>
    private bool PreviewsAt(RunRequest request)
    {
        if (!IsFlinkSql)
        {
            return false;
        }

        var script = SqlScript.Parse(request.Text, SqlDialect.FlinkSql);
        var statements = request.HasSelection ? script.StatementsIn(request.SelectionStart, request.SelectionEnd)
            : script.StatementAt(request.CursorOffset) is { } at ? [at] : [];
        return statements.Any(s => s.Kind == SqlStatementKind.Query);
    }

    private async Task PreviewClickedAsync() => await PreviewAsync(await CurrentAsync());

    private async Task PreviewAsync(RunRequest request)
    {
        if (!CanEdit || PreviewRunning)
        {
            return;
        }

        Guid started = default;
        (int, int)? selection = request.HasSelection ? (request.SelectionStart, request.SelectionEnd) : null;
        if (await Ui.TryAsync(Snackbar, S, async () => started = await Previews.StartPreviewAsync(JobId, request.Text, request.CursorOffset, selection)))
        {
            _previewId = started;
            _previewState = FlinkPreviewState.Running;
            _bottomTab = 0;
        }
    }

    private async Task StopPreviewAsync()
    {
        if (_previewId is { } id)
        {
            await Ui.TryAsync(Snackbar, S, () => Previews.StopPreviewAsync(id));
            _previewState = Previews.Get(id)?.State;
        }
    }

    private void OnPreviewChanged(FlinkPreviewState state) => _previewState = state;

    private async Task FlinkExplainAsync()
    {
        var request = await CurrentAsync();
        if (await Ui.TryAsync(Snackbar, S, async () => _flinkPlan = await Previews.ExplainAsync(JobId, request.Text, request.CursorOffset)))
        {
            _bottomTab = 3;
        }
    }
}
