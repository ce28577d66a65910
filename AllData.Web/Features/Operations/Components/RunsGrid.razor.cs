using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AllData.Web.Features.Operations.Components;

public sealed partial class RunsGrid
{
    private static readonly IEqualityComparer<RunListItem> ById = EqualityComparer<RunListItem>.Create((a, b) => a?.Id == b?.Id, r => r.Id.GetHashCode());
    private readonly IEqualityComparer<RunListItem> _comparer = ById;
    private MudDataGrid<RunListItem>? _grid;
    private HashSet<RunListItem> _selected = new(ById);
    private IReadOnlyCollection<RunStatus> _statuses = [];
    private RunEngine? _engine;
    private RunTrigger? _trigger;
    private Guid? _cluster;
    private IReadOnlyList<(Guid Id, string Name)> _clusters = [];
    private int _hours;
    private string? _search;
    private IReadOnlyList<RunListItem> _page = [];

    [Parameter]
    public UserAccess? Access { get; set; }

    [Parameter]
    public DateTimeOffset Now { get; set; }

    [Parameter]
    public EventCallback OnSummaryChanged { get; set; }

    [SupplyParameterFromQuery(Name = "job")]
    public Guid? JobId { get; set; }

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    public bool HasLiveRuns => _page.Any(r => !r.Status.IsFinal());

    private List<RunListItem> Cancelable => [.. _selected.Where(r => !r.Status.IsFinal())];

    private bool CanCancel => RendererInfo.IsInteractive && Cancelable.Count > 0;

    public Task ReloadAsync() => _grid?.ReloadServerData() ?? Task.CompletedTask;

    public Task FilterStatusAsync(RunStatus status)
    {
        _statuses = status == RunStatus.Queued ? [RunStatus.Queued, RunStatus.Submitting] : [status];
        _hours = status == RunStatus.Failed ? 24 : _hours;
        return ReloadAsync();
    }

    private async Task<GridData<RunListItem>> LoadAsync(GridState<RunListItem> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new RunListQuery
        {
            Statuses = _statuses,
            Engine = _engine,
            Trigger = _trigger,
            JobId = JobId,
            ClusterId = _cluster,
            From = _hours > 0 ? Clock.GetUtcNow().AddHours(-_hours) : null,
            Search = _search,
            Sort = sort?.SortBy switch
            {
                "Status" => RunSort.Status,
                "StartedAt" => RunSort.Started,
                null => RunSort.Created,
                _ when sort.SortBy.Contains("EndedAt", StringComparison.Ordinal) => RunSort.Duration,
                _ => RunSort.Created,
            },
            Descending = sort?.Descending ?? true,
            Page = state.Page,
            PageSize = state.PageSize,
        };
        var page = await Queries.ListAsync(query, ct);
        _page = page.Items;

        // Keep selected rows in step with their latest state (a selected run may have finished meanwhile).
        var fresh = page.Items.ToDictionary(r => r.Id);
        _selected = new HashSet<RunListItem>(_selected.Select(s => fresh.GetValueOrDefault(s.Id) ?? s), ById);
        return new GridData<RunListItem> { Items = page.Items, TotalItems = page.TotalCount };
    }

    private Task SearchAsync(string? text)
    {
        _search = text;
        return ReloadAsync();
    }

    private Task StatusesAsync(IEnumerable<RunStatus>? statuses)
    {
        _statuses = [.. statuses ?? []];
        return ReloadAsync();
    }

    private Task EngineAsync(RunEngine? engine)
    {
        _engine = engine;
        return ReloadAsync();
    }

    protected override async Task OnInitializedAsync() => _clusters = await Queries.ClustersAsync();

    private Task ClusterAsync(Guid? cluster)
    {
        _cluster = cluster;
        return ReloadAsync();
    }

    private Task TriggerAsync(RunTrigger? trigger)
    {
        _trigger = trigger;
        return ReloadAsync();
    }

    private Task HoursAsync(int hours)
    {
        _hours = hours;
        return ReloadAsync();
    }

    private Task ClearJobAsync(MudChip<string> chip)
    {
        JobId = null;
        return ReloadAsync();
    }

    private async Task CancelSelectedAsync()
    {
        var runs = Cancelable;
        var confirmed = await Dialogs.ShowMessageBoxAsync(T["Cancel runs"], T["Stop {0} run(s)? Their engines are asked to stop now.", runs.Count],
            yesText: T["Stop runs"], cancelText: T["Keep running"]);
        if (confirmed != true)
        {
            return;
        }

        var ok = await Ui.TryAsync(Snackbar, T, async () =>
        {
            foreach (var run in runs)
            {
                await Commands.CancelAsync(run.Id);
            }
        }, T["Asked {0} run(s) to stop.", runs.Count]);
        if (ok)
        {
            _selected.Clear();
            await ReloadAsync();
            await OnSummaryChanged.InvokeAsync();
        }
    }
}
