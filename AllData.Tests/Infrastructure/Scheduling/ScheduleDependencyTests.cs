using AllData.Domain.Common;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Scheduling;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.Scheduling;

/// <summary>Workflows: a dependent slot waits for its upstreams of the same data date, against the real PostgreSQL.</summary>
public sealed class ScheduleDependencyTests : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Slot = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly SchedulingHost _host;

    public ScheduleDependencyTests(DatabaseFixture fixture) => _host = new SchedulingHost(fixture);

    public Task InitializeAsync() => _host.ActAsNewMemberAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ScheduleFiring Firing => (ScheduleFiring)_host.Services.GetService(typeof(ScheduleFiring))!;

    private Task<Guid> DependAsync(Guid job, Guid upstream, UpstreamFailurePolicy policy = UpstreamFailurePolicy.Wait, DependencyDate date = DependencyDate.SameDate) =>
        _host.With<DependencyService, Guid>(s => s.AddAsync(job, upstream, date, policy));

    [Fact]
    public async Task B_waits_for_A_of_the_same_date_and_starts_once_A_succeeded()
    {
        var a = await _host.PublishedJobAsync("SELECT pg_sleep(0.5)");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var scheduleA = await _host.CreateScheduleAsync(a);
        var scheduleB = await _host.CreateScheduleAsync(b);
        await DependAsync(b, a);

        var waiting = await Firing.FireAsync(scheduleB, Slot, SlotSource.Schedule);
        Assert.Equal(FireResult.Waiting, waiting.Result);
        Assert.Contains("no run for that date", waiting.Reason);

        // A run of A for another date does not count.
        var otherDay = await Firing.FireAsync(scheduleA, Slot.AddDays(-1), SlotSource.Schedule);
        await _host.WaitForFinalAsync(otherDay.RunId!.Value);
        await Firing.TendAsync();
        Assert.Equal(SlotState.Queued, Assert.Single(await _host.SlotsAsync(scheduleB)).State);

        var upstream = await Firing.FireAsync(scheduleA, Slot, SlotSource.Schedule);
        var why = await _host.With<DependencyService, IReadOnlyList<DependencyCheck>>(s => s.CheckAsync(scheduleB, Slot));
        Assert.Equal(UpstreamState.Running, Assert.Single(why).State);
        Assert.Equal(RunStatus.Finished, (await _host.WaitForFinalAsync(upstream.RunId!.Value)).Status);

        await Firing.TendAsync();

        var slot = Assert.Single(await _host.SlotsAsync(scheduleB));
        Assert.Equal(SlotState.Started, slot.State);
        Assert.True(Assert.Single(await _host.With<DependencyService, IReadOnlyList<DependencyCheck>>(s => s.CheckAsync(scheduleB, Slot))).Met);
    }

    [Theory]
    [InlineData(UpstreamFailurePolicy.Fail, SlotState.Failed)]
    [InlineData(UpstreamFailurePolicy.Skip, SlotState.Skipped)]
    [InlineData(UpstreamFailurePolicy.Wait, SlotState.Queued)]
    public async Task When_A_failed_B_follows_its_policy(UpstreamFailurePolicy policy, SlotState expected)
    {
        var a = await _host.PublishedJobAsync("SELECT 1/0");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var scheduleA = await _host.CreateScheduleAsync(a);
        var scheduleB = await _host.CreateScheduleAsync(b);
        await DependAsync(b, a, policy);
        var upstream = await Firing.FireAsync(scheduleA, Slot, SlotSource.Schedule);
        Assert.Equal(RunStatus.Failed, (await _host.WaitForFinalAsync(upstream.RunId!.Value)).Status);

        await Firing.FireAsync(scheduleB, Slot, SlotSource.Schedule);

        var slot = Assert.Single(await _host.SlotsAsync(scheduleB));
        Assert.Equal(expected, slot.State);
        Assert.Null(slot.RunId);
        Assert.Contains("did not succeed", slot.Reason);
    }

    [Fact]
    public async Task A_dependency_on_the_previous_date_needs_yesterdays_run()
    {
        var a = await _host.PublishedJobAsync("SELECT 1");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var scheduleA = await _host.CreateScheduleAsync(a);
        var scheduleB = await _host.CreateScheduleAsync(b);
        await DependAsync(b, a, date: DependencyDate.PreviousDate);
        var yesterday = await Firing.FireAsync(scheduleA, Slot.AddDays(-1), SlotSource.Schedule);
        await _host.WaitForFinalAsync(yesterday.RunId!.Value);

        Assert.Equal(FireResult.Started, (await Firing.FireAsync(scheduleB, Slot, SlotSource.Schedule)).Result);
    }

    [Fact]
    public async Task A_cycle_is_refused_with_the_cycle_named()
    {
        var a = await _host.PublishedJobAsync("SELECT 1");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var c = await _host.PublishedJobAsync("SELECT 1");
        await DependAsync(b, a);
        await DependAsync(c, b);

        var refused = await Assert.ThrowsAsync<DomainException>(() => DependAsync(a, c));

        Assert.StartsWith("That would make a cycle: job-", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, refused.Message.Split('→').Length);
        Assert.Equal(2, (await _host.With<DependencyService, IReadOnlyList<DependencyRow>>(s => s.ListAsync())).Count);
    }

    [Fact]
    public async Task The_graph_lays_jobs_out_by_their_upstreams_with_each_ones_state_for_the_date()
    {
        var a = await _host.PublishedJobAsync("SELECT 1");
        var b = await _host.PublishedJobAsync("SELECT 1");
        var c = await _host.PublishedJobAsync("SELECT 1");
        var scheduleA = await _host.CreateScheduleAsync(a);
        var scheduleB = await _host.CreateScheduleAsync(b);
        await DependAsync(b, a);
        await DependAsync(c, b, date: DependencyDate.PreviousDate);
        var empty = await _host.With<DependencyService, WorkflowGraph>(s => s.GraphAsync(DateOnly.FromDateTime(Slot.UtcDateTime)));
        Assert.All(empty.Nodes, n => Assert.Equal(UpstreamState.NoRun, n.State));

        var upstream = await Firing.FireAsync(scheduleA, Slot, SlotSource.Schedule);
        await _host.WaitForFinalAsync(upstream.RunId!.Value);
        // B's slot of the day before waits for A of that day, which never ran.
        Assert.Equal(FireResult.Waiting, (await Firing.FireAsync(scheduleB, Slot.AddDays(-1), SlotSource.Schedule)).Result);

        var graph = await _host.With<DependencyService, WorkflowGraph>(s => s.GraphAsync(DateOnly.FromDateTime(Slot.UtcDateTime)));
        var byJob = graph.Nodes.ToDictionary(n => n.JobId);
        Assert.Equal((0, 1, 2), (byJob[a].Layer, byJob[b].Layer, byJob[c].Layer));
        Assert.Equal((UpstreamState.Succeeded, upstream.RunId), (byJob[a].State, byJob[a].RunId));
        Assert.Equal((UpstreamState.NoRun, false, scheduleB), (byJob[b].State, byJob[b].Waiting, byJob[b].ScheduleId));
        Assert.Null(byJob[c].ScheduleId);
        Assert.Equal(2, graph.Edges.Count);

        var dayBefore = await _host.With<DependencyService, WorkflowGraph>(s => s.GraphAsync(DateOnly.FromDateTime(Slot.UtcDateTime).AddDays(-1)));
        Assert.True(dayBefore.Nodes.Single(n => n.JobId == b).Waiting);
        Assert.Equal(UpstreamState.NoRun, dayBefore.Nodes.Single(n => n.JobId == a).State);
    }
}
