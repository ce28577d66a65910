using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Web.Features.Operations.Components;
using Bunit;

namespace AllData.Tests.Components.Operations;

public sealed class OperationsComponentsTests : MudTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static RunDetail Detail(RunStatus status, string? error = null) => new(
        new RunListItem(Guid.NewGuid(), Guid.NewGuid(), "Nightly load", RunEngine.DatabaseSql, RunTrigger.Schedule, status, T0,
            T0.AddSeconds(5), status.IsFinal() ? T0.AddSeconds(95) : null, "Ada Lovelace", "warehouse", null, "3 statements"),
        Guid.NewGuid(), 7, "select 1;", "{}", error, [new RunHistoryItem(null, RunStatus.Queued, T0, null)]);

    [Fact]
    public void Summary_cards_show_live_and_failed_counts()
    {
        var summary = new RunStatusSummary(new Dictionary<RunStatus, int> { [RunStatus.Running] = 3, [RunStatus.Queued] = 1, [RunStatus.Submitting] = 2 }, 4);
        var cut = Render<RunSummaryCards>(p => p.Add(c => c.Summary, summary));
        Assert.Equal("3", cut.Find("[data-testid=summary-running]").TextContent);
        Assert.Equal("3", cut.Find("[data-testid=summary-queued]").TextContent);
        Assert.Equal("4", cut.Find("[data-testid=summary-failed-24h]").TextContent);
    }

    [Fact]
    public void A_status_chip_names_the_status_and_pulses_only_while_live()
    {
        var running = Render<RunStatusChip>(p => p.Add(c => c.Status, RunStatus.Running));
        var failed = Render<RunStatusChip>(p => p.Add(c => c.Status, RunStatus.Failed));
        Assert.Contains("Running", running.Markup);
        Assert.Contains("status-live", running.Find("[data-testid=run-status]").ClassName);
        Assert.DoesNotContain("status-live", failed.Find("[data-testid=run-status]").ClassName);
    }

    [Fact]
    public void Run_header_offers_cancel_to_an_operator_of_a_live_run()
    {
        var cut = Render<RunHeader>(p => p.Add(c => c.Detail, Detail(RunStatus.Running)).Add(c => c.Access, Access(WorkspaceRole.Operator))
            .Add(c => c.Now, T0.AddSeconds(65)));
        Assert.NotEmpty(cut.FindAll("[data-testid=run-cancel]"));
        Assert.Equal("1m 00s", cut.Find("[data-testid=fact-duration]").TextContent);
        Assert.Contains("Version 7", cut.Find("[data-testid=run-header-version]").TextContent);
        Assert.Equal("warehouse", cut.Find("[data-testid=fact-target]").TextContent);
    }

    [Fact]
    public void Run_header_hides_cancel_from_a_viewer_and_for_a_final_run()
    {
        var viewer = Render<RunHeader>(p => p.Add(c => c.Detail, Detail(RunStatus.Running)).Add(c => c.Access, Access(WorkspaceRole.Viewer)));
        var ended = Render<RunHeader>(p => p.Add(c => c.Detail, Detail(RunStatus.Failed, "relation \"x\" does not exist"))
            .Add(c => c.Access, Access(WorkspaceRole.Admin)));
        Assert.Empty(viewer.FindAll("[data-testid=run-cancel]"));
        Assert.Empty(ended.FindAll("[data-testid=run-cancel]"));
        Assert.Contains("does not exist", ended.Find("[data-testid=run-error]").TextContent);
        Assert.Equal("1m 30s", ended.Find("[data-testid=fact-duration]").TextContent);
    }

    [Fact]
    public void Wall_tiles_show_zero_of_zero_clusters_and_no_rate_without_runs()
    {
        var state = new WallState(0, 0, null, ClusterSummary.None, new Dictionary<RunStatus, int>(), [], [], [], []);
        var cut = Render<WallTiles>(p => p.Add(c => c.State, state));
        Assert.Equal("0 of 0", cut.Find("[data-testid=wall-clusters]").TextContent);
        Assert.Equal("—", cut.Find("[data-testid=wall-success-rate]").TextContent);
        Assert.Equal("—", cut.Find("[data-testid=wall-slots]").TextContent);
    }

    [Fact]
    public void Wall_tiles_show_running_failures_rate_and_slots()
    {
        var state = new WallState(5, 2, 0.75, new ClusterSummary(2, 3, 12, 16), new Dictionary<RunStatus, int>(), [], [], [], []);
        var cut = Render<WallTiles>(p => p.Add(c => c.State, state));
        Assert.Equal("5", cut.Find("[data-testid=wall-running]").TextContent);
        Assert.Equal("2", cut.Find("[data-testid=wall-failed]").TextContent);
        Assert.Equal("75%", cut.Find("[data-testid=wall-success-rate]").TextContent.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("2 of 3", cut.Find("[data-testid=wall-clusters]").TextContent);
        Assert.Equal("12 / 16", cut.Find("[data-testid=wall-slots]").TextContent);
    }
}
