using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace AllData.Infrastructure.Quality;

/// <summary>A table's scan schedule with its cron in words and its next fires.</summary>
public sealed record QualityScanScheduleRow(Guid Id, Guid? TableId, Guid? DataSourceId, string Cron, string TimeZoneId, IReadOnlyList<CronPhrase> Words, IReadOnlyList<DateTimeOffset> NextFires);

internal sealed class QualityScanScheduleConfiguration : IEntityTypeConfiguration<QualityScanSchedule>
{
    public void Configure(EntityTypeBuilder<QualityScanSchedule> builder)
    {
        builder.ToTable("quality_scan_schedules");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Cron).HasMaxLength(QualityScanSchedule.MaxCronLength);
        builder.Property(s => s.TimeZoneId).HasMaxLength(100);
        builder.Property(s => s.CreatedBy).HasMaxLength(200);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CatalogTable>().WithMany().HasForeignKey(s => s.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(s => s.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.TableId).IsUnique();
        builder.HasIndex(s => s.DataSourceId).IsUnique();
        builder.ToTable(t => t.HasCheckConstraint("ck_quality_scan_schedules_one_target", "(table_id IS NULL) <> (data_source_id IS NULL)"));
    }
}

/// <summary>
/// Recurring scans of a table, as the signed-in user sees them: Viewers read, Developers set and remove. Each schedule
/// is a cron trigger in the clustered Quartz store (<see cref="ScheduledQualityScanJob"/>), so it survives restarts and
/// fires on one node.
/// </summary>
public sealed class QualityScanScheduleService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly ISchedulerFactory schedulers;
    private readonly TimeProvider clock;

    internal QualityScanScheduleService(AppDb appDb, WorkspaceContext workspace, ISchedulerFactory schedulers, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.schedulers = schedulers;
        this.clock = clock;
    }

    public Task<QualityScanScheduleRow?> GetAsync(Guid tableId, CancellationToken ct = default) => GetAsync(false, tableId, ct);

    /// <summary>The source's schedule: every table of it with enabled rules, scanned one after the other.</summary>
    public Task<QualityScanScheduleRow?> GetForSourceAsync(Guid sourceId, CancellationToken ct = default) => GetAsync(true, sourceId, ct);

    /// <summary>Sets (or changes) the table's scan schedule; a bad cron or zone is refused at its field (<c>cron</c>, <c>timeZone</c>).</summary>
    public Task<QualityScanScheduleRow> SetAsync(Guid tableId, string cron, string timeZoneId, CancellationToken ct = default) =>
        SetAsync(false, tableId, cron, timeZoneId, ct);

    /// <summary>Sets (or changes) the source's scan schedule, with the same checks as a table's.</summary>
    public Task<QualityScanScheduleRow> SetForSourceAsync(Guid sourceId, string cron, string timeZoneId, CancellationToken ct = default) =>
        SetAsync(true, sourceId, cron, timeZoneId, ct);

    public Task RemoveAsync(Guid tableId, CancellationToken ct = default) => RemoveAsync(false, tableId, ct);

    public Task RemoveForSourceAsync(Guid sourceId, CancellationToken ct = default) => RemoveAsync(true, sourceId, ct);

    private static IQueryable<QualityScanSchedule> Of(AllDataDbContext db, bool source, Guid id) =>
        source ? db.Set<QualityScanSchedule>().Where(s => s.DataSourceId == id) : db.Set<QualityScanSchedule>().Where(s => s.TableId == id);

    private async Task<QualityScanScheduleRow?> GetAsync(bool source, Guid id, CancellationToken ct)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var s = await Of(db, source, id).AsNoTracking().FirstOrDefaultAsync(ct);
        return s is null ? null : Row(s, clock.GetUtcNow());
    }

    private async Task<QualityScanScheduleRow> SetAsync(bool source, Guid id, string cron, string timeZoneId, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "schedule quality scans");
        if (source ? !await db.Set<DataSource>().AnyAsync(d => d.Id == id, ct) : !await db.Set<CatalogTable>().AnyAsync(t => t.Id == id, ct))
        {
            throw new NotFoundException(source ? "That data source does not exist." : "That table does not exist in the catalog.");
        }

        var (_, problems) = ScheduleTimeline.Create(new ScheduleTiming(ScheduleKind.Cron, cron, null, timeZoneId, null, null), null, clock.GetUtcNow());
        if (problems.Count > 0)
        {
            throw new ScheduleInputException(problems);
        }

        var now = clock.GetUtcNow();
        var schedule = await Of(db, source, id).FirstOrDefaultAsync(ct);
        if (schedule is null)
        {
            var by = await workspace.UserNameAsync(ct);
            schedule = source
                ? QualityScanSchedule.ForSource(access.WorkspaceId, id, cron, timeZoneId, by, now)
                : new QualityScanSchedule(access.WorkspaceId, id, cron, timeZoneId, by, now);
            db.Add(schedule);
        }
        else
        {
            schedule.Change(cron, timeZoneId, now);
        }

        await db.SaveChangesAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ScheduleJob(ScheduledQualityScanJob.Trigger(schedule, now), ScheduleJobOptions.Replacing, ct);
        return Row(schedule, now);
    }

    private async Task RemoveAsync(bool source, Guid id, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "schedule quality scans");
        var schedule = await Of(db, source, id).FirstOrDefaultAsync(ct)
                       ?? throw new NotFoundException(source ? "The data source has no scan schedule." : "The table has no scan schedule.");
        db.Remove(schedule);
        await db.SaveChangesAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.UnscheduleJob(ScheduledQualityScanJob.TriggerKeyOf(schedule.Id), ct);
    }

    private static QualityScanScheduleRow Row(QualityScanSchedule s, DateTimeOffset now)
    {
        var timing = new ScheduleTiming(ScheduleKind.Cron, s.Cron, null, s.TimeZoneId, null, null);
        var (timeline, _) = ScheduleTimeline.Create(timing, null, now);
        return new QualityScanScheduleRow(s.Id, s.TableId, s.DataSourceId, s.Cron, s.TimeZoneId, ScheduleService.Words(timing), timeline?.Next(now, 3) ?? []);
    }
}

/// <summary>Scans a table when its scan schedule's trigger fires (as the system; a schedule deleted meanwhile removes its trigger).</summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledQualityScanJob(IDbContextFactory<AllDataDbContext> factory, IServiceScopeFactory scopes, ILogger<ScheduledQualityScanJob> logger) : IJob
{
    public const string Group = "quality";
    public const string ScheduleIdKey = "qualityScheduleId";
    public static readonly JobKey Key = new("scheduled-quality-scan", Group);

    public static TriggerKey TriggerKeyOf(Guid scheduleId) => new($"quality-scan-{scheduleId:N}", Group);

    public static ITrigger Trigger(QualityScanSchedule schedule, DateTimeOffset now) => Quartz.TriggerBuilder.Create()
        .WithIdentity(TriggerKeyOf(schedule.Id))
        .ForJob(Key)
        .UsingJobData(ScheduleIdKey, schedule.Id.ToString())
        .WithSchedule(CronScheduleBuilder.Create(schedule.Cron).InTimeZone(ScheduleTimeline.ZoneOrUtc(schedule.TimeZoneId))
            .WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
        .StartAt(now)
        .Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(ScheduleIdKey), out var id))
        {
            await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken);
            return;
        }

        await ScanAsync(id, cancellationToken);
        if (!await ExistsAsync(id, cancellationToken))
        {
            await context.Scheduler.UnscheduleJob(context.Trigger.Key, cancellationToken);
        }
    }

    /// <summary>Scans the schedule's table; false when the schedule is gone.</summary>
    public async Task<bool> ScanAsync(Guid scheduleId, CancellationToken ct = default)
    {
        QualityScanSchedule? schedule;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            schedule = await db.Set<QualityScanSchedule>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.Id == scheduleId, ct);
        }

        if (schedule is null)
        {
            return false;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var scans = scope.ServiceProvider.GetRequiredService<QualityScanService>();
            var actor = $"scan schedule ({schedule.Cron})";
            if (schedule.DataSourceId is { } sourceId)
            {
                await scans.ScanSourceAsync(schedule.WorkspaceId, sourceId, QualityScanTrigger.Schedule, actor, null, ct);
            }
            else
            {
                await scans.ScanTableAsync(schedule.WorkspaceId, schedule.TableId!.Value, QualityScanTrigger.Schedule, actor, ct: ct);
            }
        }
        catch (DomainException e)
        {
            // No enabled rule, or a scan already running: said in the log, the next fire tries again.
            logger.LogInformation("Scheduled scan of {Target} skipped: {Reason}", schedule.TableId ?? schedule.DataSourceId, e.Message);
        }

        return true;
    }

    private async Task<bool> ExistsAsync(Guid id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<QualityScanSchedule>().IgnoreQueryFilters().AnyAsync(s => s.Id == id, ct);
    }
}
