using AllData.Domain.Common;
using AllData.Domain.Scheduling;

namespace AllData.Tests.Domain.Scheduling;

public sealed class BackfillPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(BackfillMode.Missing, ExistingSlot.None, false, null)]
    [InlineData(BackfillMode.Missing, ExistingSlot.Missed, false, null)]
    [InlineData(BackfillMode.Missing, ExistingSlot.Skipped, false, null)]
    [InlineData(BackfillMode.Missing, ExistingSlot.Failed, false, BackfillExclusion.Failed)]
    [InlineData(BackfillMode.Missing, ExistingSlot.Succeeded, false, BackfillExclusion.Succeeded)]
    [InlineData(BackfillMode.MissingAndFailed, ExistingSlot.Failed, false, null)]
    [InlineData(BackfillMode.MissingAndFailed, ExistingSlot.Succeeded, false, BackfillExclusion.Succeeded)]
    [InlineData(BackfillMode.All, ExistingSlot.Succeeded, false, null)]
    [InlineData(BackfillMode.All, ExistingSlot.Active, false, BackfillExclusion.Active)]
    [InlineData(BackfillMode.All, ExistingSlot.None, true, BackfillExclusion.Holiday)]
    public void Mode_and_ledger_decide_which_slots_run(BackfillMode mode, ExistingSlot existing, bool holiday, BackfillExclusion? expected) =>
        Assert.Equal(expected, BackfillPlanner.Exclusion(mode, existing, holiday));

    [Fact]
    public void Order_is_by_date_then_upstream_before_downstream()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        BackfillCandidate At(Guid schedule, int day, int depth) =>
            new(schedule, T0.AddDays(day), DateOnly.FromDateTime(T0.AddDays(day).UtcDateTime), depth, ExistingSlot.None, false);
        BackfillCandidate[] candidates = [At(b, 0, 1), At(a, 1, 0), At(b, 1, 1), At(a, 0, 0)];

        Assert.Equal([(a, 0), (b, 0), (a, 1), (b, 1)],
            BackfillPlanner.Order(candidates, BackfillOrder.OldestFirst).Select(c => (c.ScheduleId, (c.LogicalTime - T0).Days)));
        Assert.Equal([(a, 1), (b, 1), (a, 0), (b, 0)],
            BackfillPlanner.Order(candidates, BackfillOrder.NewestFirst).Select(c => (c.ScheduleId, (c.LogicalTime - T0).Days)));
    }

    [Fact]
    public void Downstream_depth_is_the_longest_path_so_a_job_below_two_comes_after_both()
    {
        Guid root = Guid.NewGuid(), left = Guid.NewGuid(), right = Guid.NewGuid(), bottom = Guid.NewGuid(), unrelated = Guid.NewGuid();
        (Guid Job, Guid Upstream)[] edges = [(left, root), (right, left), (bottom, left), (bottom, right), (root, unrelated)];

        var depth = BackfillPlanner.Downstream(root, edges);

        Assert.Equal(4, depth.Count);
        Assert.Equal((0, 1, 2, 3), (depth[root], depth[left], depth[right], depth[bottom]));
        Assert.False(depth.ContainsKey(unrelated));
    }

    [Fact]
    public void Requests_outside_the_limits_name_their_field()
    {
        var day = new DateOnly(2026, 11, 1);
        Assert.Null(new BackfillRequest(day, day, 1, BackfillOrder.OldestFirst, BackfillMode.Missing, false).Problem());
        Assert.Equal("range", new BackfillRequest(day, day.AddDays(-1), 1, BackfillOrder.OldestFirst, BackfillMode.Missing, false).Problem()?.Field);
        Assert.Equal("range", new BackfillRequest(day, day.AddDays(366), 1, BackfillOrder.OldestFirst, BackfillMode.Missing, false).Problem()?.Field);
        Assert.Equal("parallelism", new BackfillRequest(day, day, 17, BackfillOrder.OldestFirst, BackfillMode.Missing, false).Problem()?.Field);
        Assert.Equal("mode", new BackfillRequest(day, day, 1, BackfillOrder.OldestFirst, (BackfillMode)9, false).Problem()?.Field);
    }

    [Fact]
    public void A_backfill_pauses_only_while_running_and_ends_once()
    {
        var request = new BackfillRequest(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2), 1, BackfillOrder.OldestFirst, BackfillMode.Missing, false);
        Assert.Throws<DomainException>(() => new Backfill(Guid.NewGuid(), Guid.NewGuid(), request, 0, "ann", T0));
        var backfill = new Backfill(Guid.NewGuid(), Guid.NewGuid(), request, 2, "ann", T0);

        Assert.Throws<DomainException>(() => backfill.Resume(T0));
        backfill.Pause(T0);
        Assert.Throws<DomainException>(() => backfill.Pause(T0));
        backfill.Finish(T0);
        Assert.Equal(BackfillState.Paused, backfill.State);
        backfill.Resume(T0);
        backfill.Cancel(T0);
        Assert.Equal(BackfillState.Canceled, backfill.State);
        Assert.Throws<DomainException>(() => backfill.Cancel(T0));
    }

    [Fact]
    public void A_started_slot_reopens_only_once_its_run_has_ended_with_fresh_attempts()
    {
        var slot = new ScheduleSlot(Guid.NewGuid(), Guid.NewGuid(), T0, SlotState.Queued, SlotSource.Schedule, null, T0);
        slot.Started(Guid.NewGuid(), T0);

        Assert.Throws<DomainException>(() => slot.Reopen(SlotSource.Backfill, runEnded: false, T0));
        slot.Reopen(SlotSource.Backfill, runEnded: true, T0);

        Assert.Equal((SlotState.Queued, SlotSource.Backfill, 0), (slot.State, slot.Source, slot.Attempts));
        Assert.Throws<DomainException>(() => slot.Reopen(SlotSource.RunNow, runEnded: true, T0));
    }
}
