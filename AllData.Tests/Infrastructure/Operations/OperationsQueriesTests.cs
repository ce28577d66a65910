using AllData.Domain.Identity;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Operations;

/// <summary>The operations list over 100,000 runs: paged, filtered and summarised by the store, through its indexes.</summary>
public sealed class OperationsQueriesTests(ServicesFixture services) : IClassFixture<ServicesFixture>
{
    private const int Runs = 100_000;

    private async Task<(Guid Workspace, string UserId)> SeedAsync()
    {
        await using var scope = services.Services.CreateAsyncScope();
        var user = new AppUser { UserName = "ops-" + Guid.NewGuid().ToString("N")[..8] };
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().CreateAsync(user)).Succeeded);
        await using var db = services.Database.CreateContext();
        var workspace = new Workspace("ops-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        var other = new Workspace("other-" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        db.AddRange(workspace, other);
        // The user's only workspace: the one their requests act in.
        db.Add(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Viewer, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();

        // One run a minute going back from now: every 10th failed, every 1000th still running; 1,000 in another workspace.
        await using var conn = services.Database.OpenConnection();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO job_runs (id, workspace_id, job_id, trigger, started_by, engine, status, created_at, started_at, ended_at, error_message)
            SELECT gen_random_uuid(), CASE WHEN i <= @runs THEN @ws ELSE @other END, gen_random_uuid(), 'Schedule', 'nightly', 'DatabaseSql',
                   CASE WHEN i % 1000 = 0 THEN 'Running' WHEN i % 10 = 0 THEN 'Failed' ELSE 'Finished' END,
                   now() - make_interval(mins => i), now() - make_interval(mins => i),
                   CASE WHEN i % 1000 = 0 THEN NULL ELSE now() - make_interval(mins => i) + interval '30 seconds' END,
                   CASE WHEN i % 10 = 0 AND i % 1000 <> 0 THEN 'boom ' || i END
            FROM generate_series(1, @runs + 1000) AS i;
            ANALYZE job_runs;
            """, conn);
        cmd.Parameters.AddWithValue("runs", Runs);
        cmd.Parameters.AddWithValue("ws", workspace.Id);
        cmd.Parameters.AddWithValue("other", other.Id);
        await cmd.ExecuteNonQueryAsync();
        return (workspace.Id, user.Id);
    }

    [Fact]
    public async Task A_page_of_100000_runs_is_the_newest_with_the_total_and_the_summary_counts_by_status()
    {
        var (_, userId) = await SeedAsync();
        await using var scope = services.ActAs(userId);
        var queries = scope.ServiceProvider.GetRequiredService<OperationsQueries>();

        var page = await queries.ListAsync(new RunListQuery { PageSize = 25 });
        var failed = await queries.ListAsync(new RunListQuery { Statuses = [RunStatus.Failed], Search = "boom 99990", PageSize = 25 });
        var summary = await queries.SummaryAsync();

        Assert.Equal(Runs, page.TotalCount);
        Assert.Equal(25, page.Items.Count);
        Assert.Equal(page.Items.OrderByDescending(r => r.CreatedAt).Select(r => r.Id), page.Items.Select(r => r.Id));
        Assert.Equal(RunStatus.Finished, page.Items[0].Status);
        Assert.Equal(1, failed.TotalCount);
        Assert.Equal(100, summary.Count(RunStatus.Running));
        Assert.Equal(9_900, summary.Count(RunStatus.Failed));
        Assert.Equal(90_000, summary.Count(RunStatus.Finished));
    }

    [Fact]
    public async Task The_newest_page_and_the_status_counts_read_through_the_workspace_indexes()
    {
        var (workspace, _) = await SeedAsync();
        await using var conn = services.Database.OpenConnection();

        async Task<string> PlanAsync(string sql)
        {
            await using var cmd = new NpgsqlCommand("EXPLAIN " + sql, conn);
            cmd.Parameters.AddWithValue("ws", workspace);
            var lines = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }

            return string.Join('\n', lines);
        }

        Assert.Contains("ix_job_runs_workspace_id_created_at",
            await PlanAsync("SELECT * FROM job_runs WHERE workspace_id = @ws ORDER BY created_at DESC LIMIT 25"), StringComparison.Ordinal);
        Assert.Contains("ix_job_runs_workspace_id_status",
            await PlanAsync("SELECT status, count(*) FROM job_runs WHERE workspace_id = @ws AND status = 'Failed' GROUP BY status"), StringComparison.Ordinal);
    }
}
