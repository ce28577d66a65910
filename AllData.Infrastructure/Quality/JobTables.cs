using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Quality;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Quality;

/// <summary>A table a job declares, with its quality gate (for tables it reads).</summary>
public sealed record JobTableRow(Guid Id, Guid TableId, string SourceName, string TableName, JobTableAccess Access, QualityGateState Gate);

/// <summary>A catalog table to choose in the picker.</summary>
public sealed record TableChoice(Guid Id, string SourceName, string SchemaName, string Name, int Rules)
{
    public string Display => $"{SourceName} · {SchemaName}.{Name}";
}

internal sealed class JobTableConfiguration : IEntityTypeConfiguration<JobTable>
{
    public void Configure(EntityTypeBuilder<JobTable> builder)
    {
        builder.ToTable("job_tables");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Access).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.CreatedBy).HasMaxLength(JobTable.MaxUserLength);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(t => t.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CatalogTable>().WithMany().HasForeignKey(t => t.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.JobId, t.TableId, t.Access }).IsUnique();
        builder.HasIndex(t => t.TableId);
    }
}

/// <summary>
/// The tables a job reads and writes, as the signed-in user sees them: Viewers read, Developers declare and remove.
/// A table it reads gates its scheduled slots on the table's blocking quality rules (<see cref="QualityRunGate"/>);
/// a table it writes is scanned after each successful run (<see cref="ScanWrittenTablesJob"/>).
/// </summary>
public sealed class JobTableService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal JobTableService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    public async Task<IReadOnlyList<JobTableRow>> ListAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        if (!await db.Set<Job>().AnyAsync(j => j.Id == jobId, ct))
        {
            throw new NotFoundException("That job does not exist.");
        }

        var rows = await (from jt in db.Set<JobTable>().AsNoTracking()
                          join t in db.Set<CatalogTable>().AsNoTracking() on jt.TableId equals t.Id
                          join s in db.Set<DataSource>().AsNoTracking() on t.DataSourceId equals s.Id
                          where jt.JobId == jobId
                          orderby jt.Access, t.SchemaName, t.Name
                          select new { jt.Id, jt.TableId, Source = s.Name, t.SchemaName, t.Name, jt.Access }).ToListAsync(ct);
        var gates = (await QualityGate.StatesAsync(db, [.. rows.Select(r => r.TableId)], ct)).ToDictionary(g => g.TableId);
        return [.. rows.Select(r => new JobTableRow(r.Id, r.TableId, r.Source, $"{r.SchemaName}.{r.Name}", r.Access,
            gates.GetValueOrDefault(r.TableId) ?? QualityGateState.Open(r.TableId)))];
    }

    /// <summary>Catalog tables whose name contains <paramref name="search"/>, those with quality rules first (at most 50).</summary>
    public async Task<IReadOnlyList<TableChoice>> SearchTablesAsync(string? search, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var text = search?.Trim() ?? string.Empty;
        return await (from t in db.Set<CatalogTable>().AsNoTracking()
                      join s in db.Set<DataSource>().AsNoTracking() on t.DataSourceId equals s.Id
                      where text.Length == 0 || EF.Functions.ILike(t.SchemaName + "." + t.Name, "%" + LikeEscape(text) + "%")
                      let rules = db.Set<QualityRule>().Count(r => r.TableId == t.Id)
                      orderby rules > 0 descending, t.SchemaName, t.Name
                      select new TableChoice(t.Id, s.Name, t.SchemaName, t.Name, rules)).Take(50).ToListAsync(ct);
    }

    public async Task<Guid> AddAsync(Guid jobId, Guid tableId, JobTableAccess access, CancellationToken ct = default)
    {
        var (db, accessRights) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        accessRights.Require(WorkspaceRole.Developer, "declare the tables of a job");
        if (!await db.Set<Job>().AnyAsync(j => j.Id == jobId, ct))
        {
            throw new NotFoundException("That job does not exist.");
        }

        if (!await db.Set<CatalogTable>().AnyAsync(t => t.Id == tableId, ct))
        {
            throw new NotFoundException("That table does not exist in the catalog.");
        }

        if (await db.Set<JobTable>().AnyAsync(t => t.JobId == jobId && t.TableId == tableId && t.Access == access, ct))
        {
            throw new DomainException(access == JobTableAccess.Reads ? "The job already reads that table." : "The job already writes that table.");
        }

        var row = new JobTable(accessRights.WorkspaceId, jobId, tableId, access, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return row.Id;
    }

    public async Task RemoveAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "declare the tables of a job");
        if (await db.Set<JobTable>().Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            throw new NotFoundException("That table is not declared for the job (any more).");
        }
    }

    private static string LikeEscape(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
        .Replace("_", @"\_", StringComparison.Ordinal);
}

/// <summary>
/// The quality gate of scheduled slots: a job that reads a table whose latest scan fails a blocking rule waits, with
/// the table and rules named, until a later scan passes or an Operator overrides that scan.
/// </summary>
internal sealed class QualityRunGate(IDbContextFactory<AllDataDbContext> factory) : IRunGate
{
    public async Task<RunGateResult> CheckAsync(RunGateRequest request, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = request.WorkspaceId;
        var read = await (from jt in db.Set<JobTable>().AsNoTracking()
                          join t in db.Set<CatalogTable>().AsNoTracking() on jt.TableId equals t.Id
                          where jt.JobId == request.JobId && jt.Access == JobTableAccess.Reads
                          select new { t.Id, Name = t.SchemaName + "." + t.Name }).ToListAsync(ct);
        if (read.Count == 0)
        {
            return RunGateResult.Open;
        }

        var blocked = (await QualityGate.StatesAsync(db, [.. read.Select(r => r.Id)], ct)).Where(g => g.IsBlocked).ToList();
        return blocked.Count == 0
            ? RunGateResult.Open
            : RunGateResult.Wait(string.Join(" ", blocked.Select(g =>
                $"Blocked by quality: '{read.First(r => r.Id == g.TableId).Name}' fails {string.Join(", ", g.FailingRules.Select(n => $"'{n}'"))} (a passing scan or an override on the table's Quality tab releases it).")));
    }
}

/// <summary>
/// After a successful run of a job that writes tables, scans those tables (once per run and table: the scan keeps the
/// run's id). Reads the finished runs of the last day from the store, so any node can do it after a restart.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScanWrittenTablesJob(IDbContextFactory<AllDataDbContext> factory, IServiceScopeFactory scopes, TimeProvider clock,
    ILogger<ScanWrittenTablesJob> logger) : IJob
{
    public static readonly JobKey Key = new("scan-written-tables", SchedulingKeys.SystemGroup);
    public static readonly TriggerKey TriggerKey = new("scan-written-tables", SchedulingKeys.SystemGroup);
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Lookback = TimeSpan.FromDays(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await ScanAsync(cancellationToken);

    /// <summary>One pass; returns how many scans it ran.</summary>
    public async Task<int> ScanAsync(CancellationToken ct = default)
    {
        var since = clock.GetUtcNow() - Lookback;
        List<(Guid Workspace, Guid Run, Guid Table, string Job)> due;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var rows = await (from run in db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking()
                              join jt in db.Set<JobTable>().IgnoreQueryFilters().AsNoTracking() on run.JobId equals jt.JobId
                              join job in db.Set<Job>().IgnoreQueryFilters().AsNoTracking() on run.JobId equals job.Id
                              where jt.Access == JobTableAccess.Writes && run.Status == RunStatus.Finished && run.EndedAt >= since
                                    && db.Set<QualityRule>().IgnoreQueryFilters().Any(r => r.TableId == jt.TableId && r.IsEnabled)
                                    && !db.Set<QualityScan>().IgnoreQueryFilters().Any(s => s.AfterRunId == run.Id && s.TableId == jt.TableId)
                              orderby run.EndedAt
                              select new { run.WorkspaceId, RunId = run.Id, jt.TableId, job.Name }).Take(100).ToListAsync(ct);
            due = [.. rows.Select(r => (r.WorkspaceId, r.RunId, r.TableId, r.Name))];
        }

        var done = 0;
        foreach (var (workspaceId, runId, tableId, job) in due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<QualityScanService>().ScanTableAsync(workspaceId, tableId, QualityScanTrigger.AfterRun,
                    $"after a run of {job}", null, runId, ct);
                done++;
            }
            catch (DomainException e)
            {
                // Another scan of the table is running: the next pass tries again.
                logger.LogInformation("Scan of table {TableId} after run {RunId} postponed: {Reason}", tableId, runId, e.Message);
            }
        }

        return done;
    }
}
