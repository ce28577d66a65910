using System.Security.Cryptography;
using System.Text;
using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Quality;
using AllData.Domain.Scheduling;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Quality;
using AllData.Infrastructure.Scheduling;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Jobs;

/// <summary>What an import would do (or did): the changes with their diffs, the problems that stop it, and a fingerprint of the plan.</summary>
public sealed record BundlePlan(IReadOnlyList<BundleChange> Changes, IReadOnlyList<BundleProblem> Problems, string Fingerprint)
{
    public bool CanApply => Problems.Count == 0;

    public int Count(BundleChangeKind kind) => Changes.Count(c => c.Change == kind);
}

/// <summary>An import refused for the bundle's problems (nothing was changed).</summary>
public sealed class BundleRejectedException(IReadOnlyList<BundleProblem> problems)
    : DomainException($"The bundle cannot be imported: {problems[0].At}: {problems[0].Message}")
{
    public IReadOnlyList<BundleProblem> Problems { get; } = problems;
}

/// <summary>The workspace changed between the dry run and the apply: the plan is not the one that was reviewed.</summary>
public sealed class BundlePlanChangedException()
    : DomainException("The workspace changed since the dry run; review the new plan and apply that.");

/// <summary>
/// Export and import of a folder as a <see cref="JobBundle"/>. Export is for every member; import (Developer) plans by
/// comparing the folder's state with the bundle, and applies exactly that plan in one transaction, under a workspace
/// lock, so a dry run and its apply agree and two imports never interleave. Created and changed jobs are published.
/// </summary>
public sealed class JobBundleService
{
    private const int ImportLockSpace = 5003;

    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly QualityScanner scanner;
    private readonly ScheduleTriggers triggers;
    private readonly TimeProvider clock;

    internal JobBundleService(AppDb appDb, WorkspaceContext workspace, QualityScanner scanner, ScheduleTriggers triggers, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.scanner = scanner;
        this.triggers = triggers;
        this.clock = clock;
    }

    /// <summary>The folder at a path from the workspace root (<c>etl/daily</c>); null for an empty path (the root).</summary>
    public async Task<Guid?> FindFolderAsync(string? path, CancellationToken ct = default)
    {
        var clean = BundlePaths.Clean(path ?? string.Empty);
        if (clean.Length == 0)
        {
            return null;
        }

        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var folders = await db.Set<JobFolder>().AsNoTracking().ToListAsync(ct);
        Guid? parent = null;
        foreach (var name in clean.Split('/'))
        {
            parent = folders.FirstOrDefault(f => f.ParentId == parent && f.Name == name)?.Id ?? throw new NotFoundException($"There is no folder '{clean}'.");
        }

        return parent;
    }

    /// <summary>The folder (the whole workspace when null) as a bundle.</summary>
    public async Task<JobBundle> ExportAsync(Guid? folderId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return (await BundleWorld.LoadAsync(db, folderId, ct)).Current;
    }

    /// <summary>The dry run: what importing <paramref name="wanted"/> into the folder would do. Changes nothing.</summary>
    public async Task<BundlePlan> PlanAsync(Guid? folderId, JobBundle wanted, bool prune, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "import bundles");
        var world = await BundleWorld.LoadAsync(db, folderId, ct);
        return await PlanAsync(db, world, wanted, prune, ct);
    }

    /// <summary>
    /// Imports the bundle: the plan a dry run shows, applied in one transaction. With <paramref name="expectedFingerprint"/>
    /// (the dry run's), it is refused when the plan is no longer that one.
    /// </summary>
    public async Task<BundlePlan> ApplyAsync(Guid? folderId, JobBundle wanted, bool prune, string? expectedFingerprint, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "import bundles");
        List<Schedule> applied = [];
        List<Guid> removed = [];
        BundlePlan plan;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, hashtext({1}))", [ImportLockSpace, access.WorkspaceId.ToString()], ct);
            var world = await BundleWorld.LoadAsync(db, folderId, ct);
            plan = await PlanAsync(db, world, wanted, prune, ct);
            if (!plan.CanApply)
            {
                throw new BundleRejectedException(plan.Problems);
            }

            if (expectedFingerprint is { Length: > 0 } expected && !string.Equals(expected, plan.Fingerprint, StringComparison.Ordinal))
            {
                throw new BundlePlanChangedException();
            }

            var apply = new BundleApply(db, world, wanted.Normalized(), prune, access.WorkspaceId, await workspace.UserNameAsync(ct), clock.GetUtcNow());
            await apply.RunAsync(plan, ct);
            applied.AddRange(apply.SchedulesToApply);
            removed.AddRange(apply.SchedulesRemoved);
            await tx.CommitAsync(ct);
        }

        // The clustered store follows the committed schedules; a failure here is mended by the periodic reconcile.
        foreach (var schedule in applied)
        {
            await triggers.ApplyAsync(schedule, ct);
        }

        foreach (var id in removed)
        {
            await triggers.RemoveAsync(id, ct);
        }

        return plan;
    }

    private async Task<BundlePlan> PlanAsync(AllDataDbContext db, BundleWorld world, JobBundle wanted, bool prune, CancellationToken ct)
    {
        var next = wanted.Normalized();
        List<BundleProblem> problems = [.. next.Problems()];
        IReadOnlyList<BundleChange> changes = [];
        if (problems.Count == 0)
        {
            problems.AddRange(world.Resolve(next, prune));
            changes = BundlePlanner.Plan(world.Current, next, prune, JobBundleText.ToYaml);
            if (problems.Count == 0)
            {
                problems.AddRange(await ValidateRulesAsync(db, world, next, changes, ct));
            }
        }

        return new BundlePlan(changes, problems, Fingerprint(changes));
    }

    /// <summary>New and changed quality rules, checked like the rule editor checks them: columns, reference, and the source's parser.</summary>
    private async Task<IReadOnlyList<BundleProblem>> ValidateRulesAsync(AllDataDbContext db, BundleWorld world, JobBundle next, IReadOnlyList<BundleChange> changes,
        CancellationToken ct)
    {
        List<BundleProblem> problems = [];
        var touched = changes.Where(c => c.Item == BundleItemKind.QualityRule && c.Change != BundleChangeKind.Delete).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var table in next.Tables)
        {
            foreach (var rule in table.Rules.Where(r => touched.Contains(table.Table + "/" + r.Name)))
            {
                var at = $"tables/{table.Table}/{rule.Name}";
                try
                {
                    var entity = world.NewRule(table.Table, rule, "import", DateTimeOffset.UnixEpoch);
                    await QualityRuleService.ValidateAgainstSourceAsync(db, scanner, entity, ct);
                }
                catch (Exception e) when (e is DomainException or QualityFieldException)
                {
                    problems.Add(new BundleProblem(at, e.Message));
                }
            }
        }

        return problems;
    }

    private static string Fingerprint(IReadOnlyList<BundleChange> changes)
    {
        var text = new StringBuilder();
        foreach (var c in changes)
        {
            text.Append(c.Change).Append('\0').Append(c.Item).Append('\0').Append(c.Key).Append('\0').Append(c.Diff).Append('\u0001');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}

/// <summary>The workspace as an import sees it: the folder's subtree, every name a bundle refers to, and the folder as a bundle.</summary>
internal sealed class BundleWorld
{
    private BundleWorld()
    {
    }

    public Guid? RootId { get; private init; }

    public required List<JobFolder> Folders { get; init; }

    /// <summary>Folders under the root (not the root itself) → path relative to the root.</summary>
    public required Dictionary<Guid, string> FolderPaths { get; init; }

    public required List<Job> Jobs { get; init; }

    /// <summary>Jobs under the root → path relative to it.</summary>
    public required Dictionary<Guid, string> JobPaths { get; init; }

    /// <summary>Every job → its path from the workspace root, starting with '/'.</summary>
    public required Dictionary<Guid, string> AbsolutePaths { get; init; }

    public required Dictionary<Guid, DataSource> Sources { get; init; }

    public required Dictionary<Guid, string> Clusters { get; init; }

    public required Dictionary<Guid, string> Calendars { get; init; }

    public required Dictionary<Guid, string> Channels { get; init; }

    public required Dictionary<Guid, CatalogTable> Tables { get; init; }

    public required List<Schedule> Schedules { get; init; }

    public required List<JobDependency> Dependencies { get; init; }

    public required List<JobTable> JobTables { get; init; }

    public required List<QualityRule> Rules { get; init; }

    public required List<AlertRule> Alerts { get; init; }

    public JobBundle Current { get; private set; } = new();

    private Dictionary<string, CatalogTable>? _tablesByName;

    public static async Task<BundleWorld> LoadAsync(AllDataDbContext db, Guid? rootId, CancellationToken ct)
    {
        var folders = await db.Set<JobFolder>().ToListAsync(ct);
        if (rootId is { } r && folders.All(f => f.Id != r))
        {
            throw new NotFoundException("That folder does not exist.");
        }

        var byId = folders.ToDictionary(f => f.Id);
        string Absolute(Guid? id) => id is { } f && byId.TryGetValue(f, out var folder) ? Absolute(folder.ParentId) + "/" + folder.Name : string.Empty;
        bool Under(Guid? id) => rootId is null || (id is { } f && byId.TryGetValue(f, out var folder) && (folder.Id == rootId || Under(folder.ParentId)));
        var rootPath = Absolute(rootId);
        string Relative(string absolute) => absolute[Math.Min(absolute.Length, rootPath.Length + 1)..];

        var jobs = await db.Set<Job>().ToListAsync(ct);
        var world = new BundleWorld
        {
            RootId = rootId,
            Folders = folders,
            FolderPaths = folders.Where(f => f.Id != rootId && Under(f.Id)).ToDictionary(f => f.Id, f => Relative(Absolute(f.Id))),
            Jobs = jobs,
            JobPaths = jobs.Where(j => Under(j.FolderId)).ToDictionary(j => j.Id, j => Relative(Absolute(j.FolderId) + "/" + j.Name)),
            AbsolutePaths = jobs.ToDictionary(j => j.Id, j => Absolute(j.FolderId) + "/" + j.Name),
            Sources = await db.Set<DataSource>().AsNoTracking().ToDictionaryAsync(s => s.Id, ct),
            Clusters = await db.Set<FlinkCluster>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
            Calendars = await db.Set<HolidayCalendar>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
            Channels = await db.Set<AlertChannel>().AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
            Tables = await db.Set<CatalogTable>().AsNoTracking().ToDictionaryAsync(t => t.Id, ct),
            Schedules = await db.Set<Schedule>().ToListAsync(ct),
            Dependencies = await db.Set<JobDependency>().ToListAsync(ct),
            JobTables = await db.Set<JobTable>().ToListAsync(ct),
            Rules = await db.Set<QualityRule>().ToListAsync(ct),
            Alerts = await db.Set<AlertRule>().ToListAsync(ct),
        };
        world.Current = world.Describe().Normalized();
        return world;
    }

    public string TableName(Guid tableId) => Tables.TryGetValue(tableId, out var t)
        ? BundlePaths.Table(Sources.TryGetValue(t.DataSourceId, out var s) ? s.Name : "?", t.SchemaName, t.Name)
        : "?";

    public CatalogTable? FindTable(string name)
    {
        _tablesByName ??= Tables.Values.GroupBy(t => TableName(t.Id), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return _tablesByName.GetValueOrDefault(name);
    }

    public Job? JobAt(string path) => JobPaths.FirstOrDefault(p => p.Value == path) is { Value: not null } hit ? Jobs.First(j => j.Id == hit.Key) : null;

    public Guid? FolderAt(string path) => path.Length == 0 ? RootId : FolderPaths.FirstOrDefault(p => p.Value == path) is { Value: not null } hit ? hit.Key : null;

    public static Guid? IdByName(Dictionary<Guid, string> names, string? name) =>
        name is null ? null : names.FirstOrDefault(n => string.Equals(n.Value, name, StringComparison.Ordinal)) is { Value: not null } hit ? hit.Key : null;

    /// <summary>A (not saved) rule entity of a bundle's rule, with its table and reference resolved.</summary>
    public QualityRule NewRule(string tableName, BundleQualityRule rule, string by, DateTimeOffset at)
    {
        var table = FindTable(tableName) ?? throw new DomainException($"The table '{tableName}' is not in the catalog.");
        var rule2 = new QualityRule(table.WorkspaceId, table.DataSourceId, table.Id, rule.Name, ResolvedSpec(rule), rule.Severity, rule.Weight, rule.Blocking,
            rule.Description, by, at);
        rule2.SetEnabled(rule.Enabled, at);
        return rule2;
    }

    public QualityRuleSpec ResolvedSpec(BundleQualityRule rule) => rule.Reference is { } reference
        ? rule.Spec with { ReferenceTableId = FindTable(reference)?.Id ?? throw new DomainException($"The referenced table '{reference}' is not in the catalog.") }
        : rule.Spec with { ReferenceTableId = null };

    /// <summary>The problems of resolving the bundle's names against the workspace.</summary>
    public IReadOnlyList<BundleProblem> Resolve(JobBundle next, bool prune)
    {
        List<BundleProblem> problems = [];
        var wantedJobs = next.Jobs.ToDictionary(j => j.Path, StringComparer.Ordinal);
        foreach (var job in next.Jobs)
        {
            var at = $"jobs/{job.Path}";
            if (JobAt(job.Path) is { } existing && existing.Type != job.Type)
            {
                problems.Add(new BundleProblem(at, $"The job is a {existing.Type} job here and {job.Type} in the bundle; a job's type cannot change."));
            }

            if (job.Type == JobType.DatabaseSql && job.DataSource is { } source && Sources.Values.All(s => s.Name != source))
            {
                problems.Add(new BundleProblem(at, $"There is no data source '{source}' in this workspace."));
            }

            if (job.Type != JobType.DatabaseSql && job.Cluster is { } cluster && IdByName(Clusters, cluster) is null)
            {
                problems.Add(new BundleProblem(at, $"There is no Flink cluster '{cluster}' in this workspace."));
            }

            foreach (var use in job.Tables.Where(u => FindTable(u.Table) is null))
            {
                problems.Add(new BundleProblem(at + "/tables", $"The table '{use.Table}' is not in the catalog."));
            }

            foreach (var dependency in job.DependsOn)
            {
                var known = dependency.Job.StartsWith('/')
                    ? AbsolutePaths.ContainsValue("/" + BundlePaths.Clean(dependency.Job))
                    : wantedJobs.ContainsKey(BundlePaths.Clean(dependency.Job)) || (!prune && JobAt(BundlePaths.Clean(dependency.Job)) is not null);
                if (!known)
                {
                    problems.Add(new BundleProblem(at + "/dependsOn", $"There is no job '{dependency.Job}' to depend on."));
                }
            }

            foreach (var schedule in job.Schedules)
            {
                problems.AddRange(ScheduleProblems(job, schedule, wantedJobs));
            }
        }

        problems.AddRange(CycleProblems(next, prune));
        foreach (var table in next.Tables.Where(t => FindTable(t.Table) is null))
        {
            problems.Add(new BundleProblem($"tables/{table.Table}", $"The table '{table.Table}' is not in the catalog."));
        }

        foreach (var table in next.Tables.Where(t => FindTable(t.Table) is not null))
        {
            foreach (var rule in table.Rules.Where(r => r.Reference is { } reference && FindTable(reference) is null))
            {
                problems.Add(new BundleProblem($"tables/{table.Table}/{rule.Name}", $"The referenced table '{rule.Reference}' is not in the catalog."));
            }
        }

        var inScope = AlertsInScope().Select(a => a.Id).ToHashSet();
        foreach (var alert in next.Alerts)
        {
            var at = $"alerts/{alert.Name}";
            if (Alerts.FirstOrDefault(a => a.Name == alert.Name.Trim()) is { } other && !inScope.Contains(other.Id))
            {
                problems.Add(new BundleProblem(at, $"An alert rule named '{alert.Name}' already watches something outside this folder."));
            }

            foreach (var channel in alert.Channels.Where(c => IdByName(Channels, c) is null))
            {
                problems.Add(new BundleProblem(at, $"There is no alert channel '{channel}' in this workspace."));
            }

            try
            {
                _ = new AlertRule(Guid.Empty, alert.Name, ResolveScope(alert.Scope, next, prune, placeholder: true), alert.Condition, Timing(alert),
                    alert.Channels.Select(_ => Guid.NewGuid()), "import",
                    DateTimeOffset.UnixEpoch);
            }
            catch (DomainException e)
            {
                problems.Add(new BundleProblem(at, e.Message));
            }
        }

        return problems;
    }

    private IEnumerable<BundleProblem> ScheduleProblems(BundleJob job, BundleSchedule schedule, Dictionary<string, BundleJob> wantedJobs)
    {
        var at = $"schedules/{schedule.Name}";
        var existing = JobAt(job.Path);
        if (Schedules.FirstOrDefault(s => s.Name == schedule.Name.Trim()) is { } other && other.JobId != existing?.Id)
        {
            yield return new BundleProblem(at, $"A schedule named '{schedule.Name}' belongs to the job '{AbsolutePaths.GetValueOrDefault(other.JobId, "?")}'; a schedule stays with its job.");
        }

        if (schedule.Calendar is { } calendar && IdByName(Calendars, calendar) is null)
        {
            yield return new BundleProblem(at, $"There is no holiday calendar '{calendar}' in this workspace.");
        }

        if (string.IsNullOrWhiteSpace(wantedJobs[job.Path].Sql) && existing?.LatestVersionNumber is null or 0)
        {
            yield return new BundleProblem(at, "The job has no text to publish, so the schedule would have nothing to run.");
        }

        foreach (var problem in ScheduleService.TimingAndPolicyProblems(ScheduleInput(schedule, Guid.Empty, null)))
        {
            yield return new BundleProblem($"{at}/{problem.Field}", problem.Message);
        }
    }

    /// <summary>The dependency edges after the import, checked for a cycle (named by path).</summary>
    private IEnumerable<BundleProblem> CycleProblems(JobBundle next, bool prune)
    {
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        Guid Id(string absolute) => ids.TryGetValue(absolute, out var id) ? id : ids[absolute] = Guid.NewGuid();
        var bundled = next.Jobs.Select(j => Absolute(j.Path)).ToHashSet(StringComparer.Ordinal);
        var leaving = prune ? JobPaths.Keys.Where(id => !bundled.Contains(AbsolutePaths[id])).ToHashSet() : [];
        List<(Guid Job, Guid Upstream)> edges = [.. Dependencies
            .Where(d => !bundled.Contains(AbsolutePaths[d.JobId]) && !leaving.Contains(d.JobId) && !leaving.Contains(d.UpstreamJobId))
            .Select(d => (Id(AbsolutePaths[d.JobId]), Id(AbsolutePaths[d.UpstreamJobId])))];
        foreach (var job in next.Jobs)
        {
            foreach (var dependency in job.DependsOn)
            {
                var (from, to) = (Id(Absolute(job.Path)), Id(Absolute(dependency.Job)));
                if (DependencyGraph.CycleIfAdded(edges, from, to) is { } cycle)
                {
                    var names = ids.ToDictionary(p => p.Value, p => p.Key);
                    yield return new BundleProblem($"jobs/{job.Path}/dependsOn", $"That would make a cycle: {string.Join(" → ", cycle.Select(c => names.GetValueOrDefault(c, "?")))}.");
                    yield break;
                }

                edges.Add((from, to));
            }
        }
    }

    /// <summary>A bundle path (relative, or from the root with '/') as a path from the workspace root.</summary>
    public string Absolute(string path) => path.StartsWith('/')
        ? "/" + BundlePaths.Clean(path)
        : (RootId is { } r ? AbsoluteFolder(r) : string.Empty) + "/" + BundlePaths.Clean(path);

    private string AbsoluteFolder(Guid id)
    {
        var folder = Folders.First(f => f.Id == id);
        return (folder.ParentId is { } p ? AbsoluteFolder(p) : string.Empty) + "/" + folder.Name;
    }

    /// <summary>
    /// An alert scope of the bundle as the workspace's scope. For a folder or job the import creates, the id is a placeholder
    /// when planning, and the new id when applying (<paramref name="ids"/>).
    /// </summary>
    public AlertScope ResolveScope(BundleAlertScope scope, JobBundle next, bool prune, bool placeholder, IReadOnlyDictionary<string, Guid>? ids = null)
    {
        var path = BundlePaths.Clean(scope.Path ?? string.Empty);
        switch (scope.Kind)
        {
            case AlertScopeKind.AllJobs:
                return AlertScope.AllJobs;
            case AlertScopeKind.Folder:
                if (path.Length == 0 && RootId is null)
                {
                    throw new DomainException("The bundle's folder is the workspace: watch all jobs instead.");
                }

                return ids?.TryGetValue("folder:" + path, out var folderId) == true ? new AlertScope(AlertScopeKind.Folder, folderId)
                    : FolderAt(path) is { } existingFolder && (!prune || path.Length == 0 || next.Folders.Contains(path) || next.Jobs.Any(j => j.FolderPath.StartsWith(path, StringComparison.Ordinal)))
                        ? new AlertScope(AlertScopeKind.Folder, existingFolder)
                        : placeholder && (next.Folders.Contains(path) || next.Jobs.Any(j => j.FolderPath == path))
                            ? new AlertScope(AlertScopeKind.Folder, Guid.NewGuid())
                            : throw new DomainException($"There is no folder '{path}' for the rule to watch.");
            case AlertScopeKind.Job:
                return ids?.TryGetValue("job:" + path, out var jobId) == true ? new AlertScope(AlertScopeKind.Job, jobId)
                    : next.Jobs.Any(j => j.Path == path) || (!prune && JobAt(path) is not null)
                        ? new AlertScope(AlertScopeKind.Job, JobAt(path)?.Id ?? Guid.NewGuid())
                        : throw new DomainException($"There is no job '{path}' for the rule to watch.");
            case AlertScopeKind.Table:
                var table = scope.Table is { } name ? FindTable(name) : null;
                return table is null
                    ? throw new DomainException($"The table '{scope.Table}' is not in the catalog.")
                    : new AlertScope(AlertScopeKind.Table, table.Id, table.SchemaName + "." + table.Name);
            default:
                throw new DomainException($"A bundle's alert rule watches all jobs, a folder, a job or a table, not a {scope.Kind}.");
        }
    }

    public static AlertTiming Timing(BundleAlertRule alert) => new(TimeSpan.FromMinutes(alert.PendingMinutes),
        alert.ReminderMinutes is { } r ? TimeSpan.FromMinutes(r) : null, TimeSpan.FromSeconds(alert.GroupWindowSeconds));

    public static ScheduleInput ScheduleInput(BundleSchedule s, Guid jobId, Guid? calendarId) => new()
    {
        Name = s.Name, JobId = jobId, Kind = s.Kind, Cron = s.Cron, IntervalSeconds = s.IntervalSeconds, TimeZoneId = s.TimeZoneId, StartAt = s.StartAt,
        EndAt = s.EndAt, CalendarId = calendarId, Overlap = s.Overlap, Misfire = s.Misfire, RetryCount = s.RetryCount, RetryDelaySeconds = s.RetryDelaySeconds,
        RetryExponential = s.RetryExponential, TimeoutSeconds = s.TimeoutSeconds,
    };

    /// <summary>The alert rules that belong to the folder: watching it, a folder or job in it, or one of its tables (and all jobs, for the workspace).</summary>
    public IEnumerable<AlertRule> AlertsInScope()
    {
        var tables = Current.Tables.Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        return Alerts.Where(a => a.Scope.Kind switch
        {
            AlertScopeKind.AllJobs => RootId is null,
            AlertScopeKind.Folder => a.Scope.TargetId is { } f && (f == RootId || FolderPaths.ContainsKey(f)),
            AlertScopeKind.Job => a.Scope.TargetId is { } j && JobPaths.ContainsKey(j),
            AlertScopeKind.Table => a.Scope.TargetId is { } t && tables.Contains(TableName(t)),
            _ => false,
        });
    }

    private JobBundle Describe()
    {
        var jobs = JobPaths.Select(p => Describe(Jobs.First(j => j.Id == p.Key), p.Value)).ToList();
        var tableIds = JobTables.Where(t => JobPaths.ContainsKey(t.JobId)).Select(t => t.TableId).Distinct().ToList();
        var tables = tableIds.Select(id => new BundleTable
        {
            Table = TableName(id),
            Rules = [.. Rules.Where(r => r.TableId == id).Select(Describe)],
        }).ToList();
        Current = new JobBundle { Folders = [.. FolderPaths.Values], Jobs = jobs, Tables = tables };
        return Current with { Alerts = [.. AlertsInScope().Select(Describe)] };
    }

    private BundleJob Describe(Job job, string path) => new()
    {
        Path = path,
        Type = job.Type,
        Sql = job.DraftSql,
        DataSource = job.Type == JobType.DatabaseSql && job.DataSourceId is { } s && Sources.TryGetValue(s, out var source) ? source.Name : null,
        TimeoutSeconds = job.TimeoutSeconds,
        RowCap = job.RowCap,
        Variables = job.Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
        Cluster = job.Type != JobType.DatabaseSql && job.FlinkSettings.ClusterId is { } c ? Clusters.GetValueOrDefault(c) : null,
        Flink = job.Type == JobType.DatabaseSql ? null : job.FlinkSettings with { ClusterId = null },
        Tables = [.. JobTables.Where(t => t.JobId == job.Id).Select(t => new BundleTableUse(TableName(t.TableId), t.Access))],
        DependsOn = [.. Dependencies.Where(d => d.JobId == job.Id).Select(d => new BundleDependency(
            JobPaths.TryGetValue(d.UpstreamJobId, out var relative) ? relative : AbsolutePaths[d.UpstreamJobId], d.Date, d.OnFailure))],
        Schedules = [.. Schedules.Where(s => s.JobId == job.Id).Select(s => new BundleSchedule
        {
            Name = s.Name, Kind = s.Kind, Cron = s.Cron, IntervalSeconds = s.IntervalSeconds, TimeZoneId = s.TimeZoneId, StartAt = s.StartAt, EndAt = s.EndAt,
            Calendar = s.CalendarId is { } cal ? Calendars.GetValueOrDefault(cal) : null, Enabled = s.Enabled, Overlap = s.Overlap, Misfire = s.Misfire,
            RetryCount = s.RetryCount, RetryDelaySeconds = s.RetryDelaySeconds, RetryExponential = s.RetryExponential, TimeoutSeconds = s.TimeoutSeconds,
        })],
    };

    private BundleQualityRule Describe(QualityRule rule) => new()
    {
        Name = rule.Name,
        Spec = rule.Spec with { ReferenceTableId = null },
        Reference = rule.Spec.ReferenceTableId is { } r ? TableName(r) : null,
        Severity = rule.Severity,
        Weight = rule.Weight,
        Blocking = rule.IsBlocking,
        Enabled = rule.IsEnabled,
        Description = rule.Description,
    };

    private BundleAlertRule Describe(AlertRule rule) => new()
    {
        Name = rule.Name,
        Scope = rule.Scope.Kind switch
        {
            AlertScopeKind.Folder => new BundleAlertScope(AlertScopeKind.Folder, rule.Scope.TargetId == RootId ? string.Empty : FolderPaths[rule.Scope.TargetId!.Value]),
            AlertScopeKind.Job => new BundleAlertScope(AlertScopeKind.Job, JobPaths[rule.Scope.TargetId!.Value]),
            AlertScopeKind.Table => new BundleAlertScope(AlertScopeKind.Table, Table: TableName(rule.Scope.TargetId!.Value)),
            _ => new BundleAlertScope(rule.Scope.Kind),
        },
        Condition = rule.Condition,
        PendingMinutes = (int)rule.PendingFor.TotalMinutes,
        ReminderMinutes = rule.ReminderEvery is { } r ? (int)r.TotalMinutes : null,
        GroupWindowSeconds = (int)rule.GroupWindow.TotalSeconds,
        Channels = [.. rule.ChannelIds.Select(c => Channels.GetValueOrDefault(c, "?")).Order(StringComparer.Ordinal)],
        Enabled = rule.Enabled,
    };
}

/// <summary>Carries out a checked plan on the tracked entities of one context (inside the import's transaction).</summary>
internal sealed class BundleApply(AllDataDbContext db, BundleWorld world, JobBundle next, bool prune, Guid workspaceId, string by, DateTimeOffset at)
{
    private const string PublishComment = "Imported from a bundle";

    /// <summary>New ids by <c>folder:path</c> and <c>job:path</c>, for the items that refer to them.</summary>
    private readonly Dictionary<string, Guid> _ids = new(StringComparer.Ordinal);

    public List<Schedule> SchedulesToApply { get; } = [];

    public List<Guid> SchedulesRemoved { get; } = [];

    public async Task RunAsync(BundlePlan plan, CancellationToken ct)
    {
        Dictionary<string, BundleChangeKind> Of(BundleItemKind item) =>
            plan.Changes.Where(c => c.Item == item).ToDictionary(c => c.Key, c => c.Change, StringComparer.Ordinal);

        foreach (var path in next.Folders.Concat(next.Jobs.Select(j => j.FolderPath)).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)
                     .OrderBy(p => p.Count(c => c == '/')))
        {
            EnsureFolder(path);
        }

        await db.SaveChangesAsync(ct);
        var jobs = Of(BundleItemKind.Job);
        foreach (var job in next.Jobs)
        {
            var entity = world.JobAt(job.Path);
            if (entity is null)
            {
                entity = new Job(workspaceId, job.Name, FolderId(job.FolderPath), job.Type, by, at);
                db.Add(entity);
            }

            _ids["job:" + job.Path] = entity.Id;
            if (jobs.ContainsKey(job.Path))
            {
                await ConfigureAsync(entity, job, ct);
            }
        }

        await db.SaveChangesAsync(ct);
        var changedJobs = next.Jobs.Where(j => jobs.ContainsKey(j.Path)).ToList();
        foreach (var job in changedJobs)
        {
            var id = _ids["job:" + job.Path];
            db.RemoveRange(world.JobTables.Where(t => t.JobId == id));
            db.RemoveRange(world.Dependencies.Where(d => d.JobId == id));
        }

        await db.SaveChangesAsync(ct);
        foreach (var job in changedJobs)
        {
            var id = _ids["job:" + job.Path];
            foreach (var use in job.Tables)
            {
                db.Add(new JobTable(workspaceId, id, world.FindTable(use.Table)!.Id, use.Access, by, at));
            }

            foreach (var dependency in job.DependsOn)
            {
                db.Add(new JobDependency(workspaceId, id, UpstreamId(dependency.Job), dependency.Date, dependency.OnFailure, by, at));
            }
        }

        await db.SaveChangesAsync(ct);
        ApplySchedules(Of(BundleItemKind.Schedule));
        ApplyRules(Of(BundleItemKind.QualityRule));
        ApplyAlerts(Of(BundleItemKind.AlertRule));
        await db.SaveChangesAsync(ct);

        foreach (var path in jobs.Where(j => j.Value == BundleChangeKind.Delete).Select(j => j.Key))
        {
            var job = world.JobAt(path)!;
            SchedulesRemoved.AddRange(world.Schedules.Where(s => s.JobId == job.Id).Select(s => s.Id));
            db.Remove(job);
        }

        await db.SaveChangesAsync(ct);
        var folders = Of(BundleItemKind.Folder).Where(f => f.Value == BundleChangeKind.Delete).Select(f => f.Key).OrderByDescending(p => p.Count(c => c == '/'));
        foreach (var path in folders)
        {
            db.Remove(world.Folders.First(f => f.Id == world.FolderAt(path)));
            await db.SaveChangesAsync(ct);
        }
    }

    private void EnsureFolder(string path)
    {
        if (world.FolderAt(path) is { } existing)
        {
            _ids["folder:" + path] = existing;
            return;
        }

        if (_ids.ContainsKey("folder:" + path))
        {
            return;
        }

        var parent = BundlePaths.Parent(path);
        if (parent.Length > 0)
        {
            EnsureFolder(parent);
        }

        var folder = new JobFolder(workspaceId, path.Split('/')[^1], FolderId(parent), at);
        db.Add(folder);
        _ids["folder:" + path] = folder.Id;
    }

    private Guid? FolderId(string path) => path.Length == 0 ? world.RootId : _ids.TryGetValue("folder:" + path, out var id) ? id : world.FolderAt(path);

    private Guid UpstreamId(string path) => path.StartsWith('/')
        ? world.AbsolutePaths.First(p => p.Value == "/" + BundlePaths.Clean(path)).Key
        : _ids.TryGetValue("job:" + BundlePaths.Clean(path), out var id) ? id : world.JobAt(BundlePaths.Clean(path))!.Id;

    /// <summary>Text, settings and variables as the bundle has them; published when the draft differs from the latest version.</summary>
    private async Task ConfigureAsync(Job job, BundleJob wanted, CancellationToken ct)
    {
        var sourceId = wanted.Type == JobType.DatabaseSql ? world.Sources.Values.FirstOrDefault(s => s.Name == wanted.DataSource)?.Id : null;
        job.Edit(wanted.Sql, sourceId, wanted.TimeoutSeconds, wanted.RowCap, wanted.Variables, job.Version, by, at);
        if (wanted.Type != JobType.DatabaseSql)
        {
            job.ChangeFlinkSettings((wanted.Flink ?? new FlinkJobSettings()) with { ClusterId = BundleWorld.IdByName(world.Clusters, wanted.Cluster) }, job.Version, by, at);
        }

        if (string.IsNullOrWhiteSpace(wanted.Sql))
        {
            return;
        }

        var latest = job.LatestVersionNumber == 0
            ? null
            : await db.Set<JobVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.JobId == job.Id && v.Number == job.LatestVersionNumber, ct);
        if (latest is null || latest.SqlText != job.DraftSql || latest.SettingsJson != job.SettingsSnapshot()
            || !latest.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).SequenceEqual(job.Variables.OrderBy(v => v.Key, StringComparer.Ordinal)))
        {
            db.Add(job.Publish(PublishComment, by, at));
        }
    }

    private void ApplySchedules(Dictionary<string, BundleChangeKind> changes)
    {
        foreach (var job in next.Jobs)
        {
            foreach (var wanted in job.Schedules.Where(s => changes.ContainsKey(s.Name)))
            {
                var jobId = _ids["job:" + job.Path];
                var calendar = BundleWorld.IdByName(world.Calendars, wanted.Calendar);
                var input = BundleWorld.ScheduleInput(wanted, jobId, calendar);
                var behaviour = ScheduleService.Behaviour(input);
                Schedule schedule;
                if (changes[wanted.Name] == BundleChangeKind.Create)
                {
                    schedule = new Schedule(workspaceId, jobId, wanted.Name, input.Timing, behaviour, null, calendar, by, at);
                    db.Add(schedule);
                }
                else
                {
                    schedule = world.Schedules.First(s => s.Name == wanted.Name);
                    schedule.Change(wanted.Name, input.Timing, behaviour, schedule.PinnedVersionId, calendar, by, at);
                }

                if (schedule.Enabled != wanted.Enabled)
                {
                    if (wanted.Enabled)
                    {
                        schedule.Resume(by, at);
                    }
                    else
                    {
                        schedule.Pause(by, at);
                    }
                }

                SchedulesToApply.Add(schedule);
            }
        }

        foreach (var name in changes.Where(c => c.Value == BundleChangeKind.Delete).Select(c => c.Key))
        {
            var schedule = world.Schedules.First(s => s.Name == name);
            db.Remove(schedule);
            SchedulesRemoved.Add(schedule.Id);
        }
    }

    private void ApplyRules(Dictionary<string, BundleChangeKind> changes)
    {
        var existing = world.Rules.ToDictionary(r => world.TableName(r.TableId) + "/" + r.Name, StringComparer.Ordinal);
        foreach (var table in next.Tables)
        {
            foreach (var wanted in table.Rules)
            {
                var key = table.Table + "/" + wanted.Name;
                if (!changes.TryGetValue(key, out var change))
                {
                    continue;
                }

                if (change == BundleChangeKind.Create)
                {
                    db.Add(world.NewRule(table.Table, wanted, by, at));
                    continue;
                }

                var rule = existing[key];
                rule.Change(wanted.Name, world.ResolvedSpec(wanted), wanted.Severity, wanted.Weight, wanted.Blocking, wanted.Description, at);
                rule.SetEnabled(wanted.Enabled, at);
            }
        }

        foreach (var key in changes.Where(c => c.Value == BundleChangeKind.Delete).Select(c => c.Key))
        {
            db.Remove(existing[key]);
        }
    }

    private void ApplyAlerts(Dictionary<string, BundleChangeKind> changes)
    {
        foreach (var wanted in next.Alerts.Where(a => changes.ContainsKey(a.Name)))
        {
            var scope = world.ResolveScope(wanted.Scope, next, prune, placeholder: false, _ids);
            var channels = wanted.Channels.Select(c => BundleWorld.IdByName(world.Channels, c)!.Value).ToList();
            AlertRule rule;
            if (changes[wanted.Name] == BundleChangeKind.Create)
            {
                rule = new AlertRule(workspaceId, wanted.Name, scope, wanted.Condition, BundleWorld.Timing(wanted), channels, by, at);
                db.Add(rule);
            }
            else
            {
                rule = world.Alerts.First(a => a.Name == wanted.Name);
                rule.Change(wanted.Name, scope, wanted.Condition, BundleWorld.Timing(wanted), channels, by, at);
            }

            if (rule.Enabled != wanted.Enabled)
            {
                rule.SetEnabled(wanted.Enabled, by, at);
            }
        }

        foreach (var name in changes.Where(c => c.Value == BundleChangeKind.Delete).Select(c => c.Key))
        {
            db.Remove(world.Alerts.First(a => a.Name == name));
        }
    }
}
