using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Operations;

public sealed class JobRunStoreTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Run_with_its_status_history_round_trips()
    {
        var workspace = await NewWorkspaceAsync();
        var run = new JobRun(workspace, Guid.NewGuid(), null, RunTrigger.Manual, "user-1", RunEngine.DatabaseSql, T0);
        await using (var db = database.CreateContext(workspace))
        {
            db.Add(run);
            await db.SaveChangesAsync();

            run.MarkSubmitting(T0.AddSeconds(1));
            run.MarkRunning(T0.AddSeconds(2));
            run.MarkFailed(T0.AddSeconds(3), "boom");
            await db.SaveChangesAsync();
        }

        await using var read = database.CreateContext(workspace);
        var loaded = await read.Set<JobRun>().Include(r => r.History).SingleAsync(r => r.Id == run.Id);

        Assert.Equal(RunStatus.Failed, loaded.Status);
        Assert.Equal("boom", loaded.ErrorMessage);
        Assert.Equal(
            [RunStatus.Queued, RunStatus.Submitting, RunStatus.Running, RunStatus.Failed],
            loaded.History.OrderBy(h => h.At).Select(h => h.To));
    }

    [Fact]
    public async Task Runs_of_another_workspace_are_invisible()
    {
        var mine = await NewWorkspaceAsync();
        var other = await NewWorkspaceAsync();
        await using (var db = database.CreateContext(other))
        {
            db.Add(new JobRun(other, Guid.NewGuid(), null, RunTrigger.Manual, "user-2", RunEngine.DatabaseSql, T0));
            await db.SaveChangesAsync();
        }

        await using var read = database.CreateContext(mine);
        Assert.Empty(await read.Set<JobRun>().ToListAsync());
        Assert.Empty(await read.Set<RunStatusChange>().ToListAsync());
    }

    [Fact]
    public async Task Log_lines_are_read_back_in_sequence_and_a_duplicate_sequence_is_refused()
    {
        var workspace = await NewWorkspaceAsync();
        var run = new JobRun(workspace, Guid.NewGuid(), null, RunTrigger.Manual, "user-1", RunEngine.DatabaseSql, T0);
        await using (var db = database.CreateContext(workspace))
        {
            db.Add(run);
            db.AddRange(
                new RunLogLine(workspace, run.Id, 2, T0, RunLogLevel.Warning, "second"),
                new RunLogLine(workspace, run.Id, 1, T0, RunLogLevel.Info, "first"));
            await db.SaveChangesAsync();
        }

        await using (var read = database.CreateContext(workspace))
        {
            var lines = await read.Set<RunLogLine>().Where(l => l.RunId == run.Id).OrderBy(l => l.Sequence).Select(l => l.Text).ToListAsync();
            Assert.Equal(["first", "second"], lines);
        }

        await using var again = database.CreateContext(workspace);
        again.Add(new RunLogLine(workspace, run.Id, 1, T0, RunLogLevel.Info, "again"));
        await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync());
    }

    [Fact]
    public async Task Concurrent_moves_of_one_run_are_detected()
    {
        var workspace = await NewWorkspaceAsync();
        var run = new JobRun(workspace, Guid.NewGuid(), null, RunTrigger.Manual, "user-1", RunEngine.FlinkSql, T0);
        await using (var db = database.CreateContext(workspace))
        {
            db.Add(run);
            await db.SaveChangesAsync();
        }

        await using var first = database.CreateContext(workspace);
        await using var second = database.CreateContext(workspace);
        var a = await first.Set<JobRun>().Include(r => r.History).SingleAsync(r => r.Id == run.Id);
        var b = await second.Set<JobRun>().Include(r => r.History).SingleAsync(r => r.Id == run.Id);
        a.MarkSubmitting(T0.AddSeconds(1));
        b.MarkCanceled(T0.AddSeconds(1));
        await first.SaveChangesAsync();

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    private async Task<Guid> NewWorkspaceAsync()
    {
        await using var db = database.CreateContext();
        var workspace = new Workspace($"runs-{Guid.NewGuid():N}"[..30], T0);
        db.Add(workspace);
        await db.SaveChangesAsync();
        return workspace.Id;
    }
}
