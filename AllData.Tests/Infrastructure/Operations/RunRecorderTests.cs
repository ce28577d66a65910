using AllData.Domain.Common;
using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Tests.Infrastructure.Operations;

public sealed class RunRecorderTests(ServicesFixture fixture) : IClassFixture<ServicesFixture>
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private RunRecorder Recorder => fixture.Services.GetRequiredService<RunRecorder>();

    private ILiveEvents Events => fixture.Services.GetRequiredService<ILiveEvents>();

    private async Task<Guid> WorkspaceAsync()
    {
        await using var db = fixture.Database.CreateContext();
        var workspace = new AllData.Domain.Identity.Workspace($"ws {Guid.NewGuid():N}"[..30], At);
        db.Workspaces.Add(workspace);
        await db.SaveChangesAsync();
        return workspace.Id;
    }

    private static JobRun NewRun(Guid workspaceId) =>
        new(workspaceId, Guid.NewGuid(), null, RunTrigger.Manual, "tester", RunEngine.DatabaseSql, At);

    private static async Task<T> NextAsync<T>(List<LiveEvent> seen, Func<T, bool> match)
        where T : LiveEvent
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (seen)
            {
                if (seen.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(20, cts.Token);
        }
    }

    [Fact]
    public async Task A_transition_is_stored_with_its_history_row_and_published()
    {
        var seen = new List<LiveEvent>();
        using var _ = Events.Subscribe(e =>
        {
            lock (seen)
            {
                seen.Add(e);
            }

            return ValueTask.CompletedTask;
        });
        var run = await Recorder.CreateAsync(NewRun(await WorkspaceAsync()));

        await Recorder.TransitionAsync(run.Id, (r, at) => r.MarkSubmitting(at));
        await Recorder.TransitionAsync(run.Id, (r, at) => r.MarkRunning(at));

        await using var db = fixture.Database.CreateContext(run.WorkspaceId);
        var history = await db.Set<RunStatusChange>().Where(c => c.RunId == run.Id).OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.To).ToListAsync();
        Assert.Equal([RunStatus.Queued, RunStatus.Submitting, RunStatus.Running], history);
        var published = await NextAsync<RunStatusChanged>(seen, e => e.RunId == run.Id && e.Status == RunStatus.Running);
        Assert.Equal(RunStatus.Submitting, published.Previous);
    }

    [Fact]
    public async Task A_refused_transition_changes_nothing()
    {
        var run = await Recorder.CreateAsync(NewRun(await WorkspaceAsync()));
        await Recorder.TransitionAsync(run.Id, (r, at) => r.MarkCanceled(at));

        await Assert.ThrowsAnyAsync<DomainException>(() => Recorder.TransitionAsync(run.Id, (r, at) => r.MarkRunning(at)));
        Assert.Equal(RunStatus.Canceled, (await Recorder.FindAsync(run.Id))!.Status);
    }

    [Fact]
    public async Task Log_lines_get_increasing_sequence_numbers_across_concurrent_appends()
    {
        var run = await Recorder.CreateAsync(NewRun(await WorkspaceAsync()));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Recorder.AppendLogAsync(run.WorkspaceId, run.Id, RunLogLevel.Info, $"line {i}")));

        await using var db = fixture.Database.CreateContext(run.WorkspaceId);
        var sequences = await db.Set<RunLogLine>().Where(l => l.RunId == run.Id).OrderBy(l => l.Sequence).Select(l => l.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_context_bound_to_one_workspace_neither_reads_nor_writes_another_workspaces_rows()
    {
        var mine = await WorkspaceAsync();
        var theirs = await WorkspaceAsync();
        await Recorder.CreateAsync(NewRun(mine));
        var foreign = await Recorder.CreateAsync(NewRun(theirs));

        await using var db = fixture.Database.CreateContext(mine);
        Assert.DoesNotContain(await db.Set<JobRun>().Select(r => r.WorkspaceId).Distinct().ToListAsync(), w => w == theirs);
        Assert.Null(await db.Set<JobRun>().FirstOrDefaultAsync(r => r.Id == foreign.Id));

        db.Add(NewRun(theirs));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_context_without_a_workspace_sees_no_workspace_owned_rows()
    {
        await Recorder.CreateAsync(NewRun(await WorkspaceAsync()));
        await using var db = fixture.Database.CreateContext();
        Assert.Equal(0, await db.Set<JobRun>().CountAsync());
    }
}
