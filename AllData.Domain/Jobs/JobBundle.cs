using AllData.Domain.Alerts;
using AllData.Domain.Flink;
using AllData.Domain.Quality;
using AllData.Domain.Scheduling;
using AllData.Domain.Studio;

namespace AllData.Domain.Jobs;

/// <summary>
/// A folder's jobs with their settings, declared tables, dependencies and schedules, the quality rules of those tables
/// and the alert rules watching them, as a portable document: everything is named by path or name, never by id, and it
/// holds no secret (data sources, clusters, calendars and channels are referred to by name only).
/// Paths are relative to the exported folder and use '/'; a dependency on a job outside it starts with '/' (from the root).
/// Tables are written <c>source:schema.table</c>.
/// </summary>
public sealed record JobBundle
{
    public const string CurrentFormat = "alldata.bundle/v1";
    public const int MaxJobs = 1000;
    public const int MaxItems = 5000;

    public string Format { get; init; } = CurrentFormat;

    /// <summary>Every folder under the root, parents before children (empty folders survive a round trip).</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    public IReadOnlyList<BundleJob> Jobs { get; init; } = [];

    /// <summary>The quality rules of the tables the jobs declare.</summary>
    public IReadOnlyList<BundleTable> Tables { get; init; } = [];

    /// <summary>Alert rules scoped to a folder or job of the bundle, or to one of its tables.</summary>
    public IReadOnlyList<BundleAlertRule> Alerts { get; init; } = [];

    /// <summary>The same content in a fixed order, so two bundles of the same state are equal text.</summary>
    public JobBundle Normalized() => this with
    {
        // A folder that holds a job or a folder is in the bundle whether it is listed or not.
        Folders = [.. Folders.Select(BundlePaths.Clean).Concat(Jobs.Select(j => BundlePaths.Parent(BundlePaths.Clean(j.Path))))
            .SelectMany(BundlePaths.AndAncestors).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        Jobs = [.. Jobs.Select(j => j.Normalized()).OrderBy(j => j.Path, StringComparer.Ordinal)],
        Tables = [.. Tables.Select(t => t with { Rules = [.. t.Rules.OrderBy(r => r.Name, StringComparer.Ordinal)] }).OrderBy(t => t.Table, StringComparer.Ordinal)],
        Alerts = [.. Alerts.OrderBy(a => a.Name, StringComparer.Ordinal)],
    };

    /// <summary>What is wrong with the document itself (names, duplicates, limits), each with where it is.</summary>
    public IReadOnlyList<BundleProblem> Problems()
    {
        List<BundleProblem> problems = [];
        if (!string.Equals(Format, CurrentFormat, StringComparison.Ordinal))
        {
            problems.Add(new BundleProblem("format", $"The format is '{Format}'; this version of AllData reads '{CurrentFormat}'."));
        }

        if (Jobs.Count > MaxJobs)
        {
            problems.Add(new BundleProblem("jobs", $"A bundle holds at most {MaxJobs} jobs."));
        }

        if (Folders.Count + Jobs.Count + Jobs.Sum(j => j.Schedules.Count) + Tables.Sum(t => t.Rules.Count) + Alerts.Count > MaxItems)
        {
            problems.Add(new BundleProblem("bundle", $"A bundle holds at most {MaxItems} items."));
        }

        foreach (var folder in Folders)
        {
            Check(problems, $"folders/{folder}", () => BundlePaths.Split(folder, "folder"));
        }

        Duplicates(problems, Jobs.Select(j => j.Path), "jobs", "job");
        Duplicates(problems, Jobs.SelectMany(j => j.Schedules).Select(s => s.Name.Trim()), "schedules", "schedule");
        Duplicates(problems, Tables.Select(t => t.Table), "tables", "table");
        Duplicates(problems, Alerts.Select(a => a.Name.Trim()), "alerts", "alert rule");
        foreach (var job in Jobs)
        {
            var at = $"jobs/{job.Path}";
            Check(problems, at, () => BundlePaths.Split(job.Path, "job"));
            Check(problems, at, () => job.Validate());
            Duplicates(problems, job.DependsOn.Select(d => d.Job), at + "/dependsOn", "dependency");
            Duplicates(problems, job.Tables.Select(t => t.Table), at + "/tables", "table");
            foreach (var use in job.Tables)
            {
                Check(problems, at + "/tables", () => BundlePaths.SplitTable(use.Table));
            }
        }

        foreach (var table in Tables)
        {
            var at = $"tables/{table.Table}";
            Check(problems, at, () => BundlePaths.SplitTable(table.Table));
            Duplicates(problems, table.Rules.Select(r => r.Name.Trim()), at, "rule");
            foreach (var rule in table.Rules)
            {
                Check(problems, $"{at}/{rule.Name}", () => rule.Spec.Validated());
            }
        }

        return problems;
    }

    private static void Duplicates(List<BundleProblem> problems, IEnumerable<string> keys, string at, string what)
    {
        foreach (var key in keys.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add(new BundleProblem(at, $"The {what} '{key}' is in the bundle twice."));
        }
    }

    private static void Check(List<BundleProblem> problems, string at, Action check)
    {
        try
        {
            check();
        }
        catch (Common.DomainException e)
        {
            problems.Add(new BundleProblem(at, e.Message));
        }
    }
}

/// <summary>A job: its draft text and settings; an import publishes it as a new version when it changed.</summary>
public sealed record BundleJob
{
    public required string Path { get; init; }

    public JobType Type { get; init; }

    public string Sql { get; init; } = string.Empty;

    /// <summary>Database SQL jobs: the data source's name.</summary>
    public string? DataSource { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int RowCap { get; init; } = Job.DefaultRowCap;

    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>Flink jobs: the cluster's name.</summary>
    public string? Cluster { get; init; }

    /// <summary>Flink jobs: the settings, without the cluster (named by <see cref="Cluster"/>).</summary>
    public FlinkJobSettings? Flink { get; init; }

    public IReadOnlyList<BundleTableUse> Tables { get; init; } = [];

    public IReadOnlyList<BundleDependency> DependsOn { get; init; } = [];

    public IReadOnlyList<BundleSchedule> Schedules { get; init; } = [];

    public string Name => BundlePaths.Clean(Path).Split('/')[^1];

    public string FolderPath => BundlePaths.Parent(BundlePaths.Clean(Path));

    internal BundleJob Normalized() => this with
    {
        Path = BundlePaths.Clean(Path),
        Variables = new SortedDictionary<string, string>(Variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), StringComparer.Ordinal),
        Flink = Type == JobType.DatabaseSql ? null : Flink ?? new FlinkJobSettings(),
        Tables = [.. Tables.OrderBy(t => t.Table, StringComparer.Ordinal).ThenBy(t => t.Access)],
        DependsOn = [.. DependsOn.OrderBy(d => d.Job, StringComparer.Ordinal)],
        Schedules = [.. Schedules.OrderBy(s => s.Name, StringComparer.Ordinal)],
    };

    /// <summary>The job's own rules: type, text length, settings and variables, as the studio checks them.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Type))
        {
            throw new Common.DomainException($"'{Type}' is not a job type.");
        }

        if (Sql.Length > Job.MaxSqlLength)
        {
            throw new Common.DomainException($"A job's text has at most {Job.MaxSqlLength} characters.");
        }

        if (TimeoutSeconds is < 1 or > Job.MaxTimeoutSeconds)
        {
            throw new Common.DomainException($"A timeout is between 1 and {Job.MaxTimeoutSeconds} seconds.");
        }

        if (RowCap is < 1 or > Job.MaxRowCap)
        {
            throw new Common.DomainException($"The row cap is between 1 and {Job.MaxRowCap}.");
        }

        Job.ValidateVariables(Variables);
        if (Type != JobType.DatabaseSql)
        {
            (Flink ?? new FlinkJobSettings()).Validate();
        }
    }
}

public sealed record BundleTableUse(string Table, JobTableAccess Access);

/// <summary>An upstream job, by path (relative to the bundle's folder, or from the root when it starts with '/').</summary>
public sealed record BundleDependency(string Job, DependencyDate Date = DependencyDate.SameDate, UpstreamFailurePolicy OnFailure = UpstreamFailurePolicy.Wait);

public sealed record BundleSchedule
{
    public required string Name { get; init; }

    public ScheduleKind Kind { get; init; } = ScheduleKind.Cron;

    public string? Cron { get; init; }

    public int? IntervalSeconds { get; init; }

    public string TimeZoneId { get; init; } = "UTC";

    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? EndAt { get; init; }

    /// <summary>A holiday calendar of the workspace, by name.</summary>
    public string? Calendar { get; init; }

    public bool Enabled { get; init; } = true;

    public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Skip;

    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.FireOnceNow;

    public int RetryCount { get; init; }

    public int RetryDelaySeconds { get; init; } = 60;

    public bool RetryExponential { get; init; } = true;

    public int? TimeoutSeconds { get; init; }

    public ScheduleTiming Timing => new(Kind, Cron, IntervalSeconds, TimeZoneId, StartAt, EndAt);
}

/// <summary>A catalog table (<c>source:schema.table</c>) and its quality rules.</summary>
public sealed record BundleTable
{
    public required string Table { get; init; }

    public IReadOnlyList<BundleQualityRule> Rules { get; init; } = [];
}

public sealed record BundleQualityRule
{
    public required string Name { get; init; }

    /// <summary>The rule's spec; a referential rule names its table in <see cref="Reference"/> instead of by id.</summary>
    public required QualityRuleSpec Spec { get; init; }

    /// <summary>Referential rules: the referenced table, <c>source:schema.table</c>.</summary>
    public string? Reference { get; init; }

    public QualitySeverity Severity { get; init; } = QualitySeverity.Failure;

    public int Weight { get; init; } = 1;

    public bool Blocking { get; init; }

    public bool Enabled { get; init; } = true;

    public string? Description { get; init; }
}

/// <summary>What an alert rule in a bundle watches: a folder or job by path ("" is the bundle's folder), or a table.</summary>
public sealed record BundleAlertScope(AlertScopeKind Kind, string? Path = null, string? Table = null);

public sealed record BundleAlertRule
{
    public required string Name { get; init; }

    public required BundleAlertScope Scope { get; init; }

    public required AlertCondition Condition { get; init; }

    public int PendingMinutes { get; init; }

    public int? ReminderMinutes { get; init; }

    public int GroupWindowSeconds { get; init; } = 30;

    /// <summary>Channels by name (their settings and secrets stay in the workspace).</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    public bool Enabled { get; init; } = true;
}

/// <summary>A problem that stops an import, and where it is in the bundle (<c>jobs/etl/load</c>, <c>schedules/nightly</c> …).</summary>
public sealed record BundleProblem(string At, string Message);

public enum BundleChangeKind
{
    Create,
    Change,
    Delete,
}

public enum BundleItemKind
{
    Folder,
    Job,
    Schedule,
    QualityRule,
    AlertRule,
}

/// <summary>One change an import makes, with a unified diff of the item as written in the bundle.</summary>
public sealed record BundleChange(BundleChangeKind Change, BundleItemKind Item, string Key, string Diff);

/// <summary>Compares the workspace's state (as a bundle) with a wanted bundle: what an import would create, change and delete.</summary>
public static class BundlePlanner
{
    /// <param name="render">Writes one item as the bundle's text shows it (the diffs are of that text).</param>
    /// <param name="prune">Whether items in the folder that the bundle does not have are deleted.</param>
    public static IReadOnlyList<BundleChange> Plan(JobBundle current, JobBundle wanted, bool prune, Func<object, string> render)
    {
        var now = current.Normalized();
        var next = wanted.Normalized();
        List<BundleChange> changes = [];
        Compare(changes, BundleItemKind.Folder, now.Folders.ToDictionary(f => f, f => (object)f), next.Folders.ToDictionary(f => f, f => (object)f), prune, _ => string.Empty);
        Compare(changes, BundleItemKind.Job, now.Jobs.ToDictionary(j => j.Path, j => (object)(j with { Schedules = [] })),
            next.Jobs.ToDictionary(j => j.Path, j => (object)(j with { Schedules = [] })), prune, render);
        Compare(changes, BundleItemKind.Schedule, Schedules(now), Schedules(next), prune, render);

        // Rules of tables the bundle does not list are not the bundle's business, pruned or not.
        var tables = next.Tables.Select(t => t.Table).ToHashSet(StringComparer.Ordinal);
        Compare(changes, BundleItemKind.QualityRule, Rules(now, tables), Rules(next, tables), prune, render);
        Compare(changes, BundleItemKind.AlertRule, now.Alerts.ToDictionary(a => a.Name, a => (object)a), next.Alerts.ToDictionary(a => a.Name, a => (object)a), prune, render);
        return changes;
    }

    private static Dictionary<string, object> Schedules(JobBundle bundle) =>
        bundle.Jobs.SelectMany(j => j.Schedules.Select(s => (j.Path, s))).ToDictionary(x => x.s.Name, x => (object)new ScheduleItem(x.Path, x.s));

    private static Dictionary<string, object> Rules(JobBundle bundle, HashSet<string> tables) =>
        bundle.Tables.Where(t => tables.Contains(t.Table)).SelectMany(t => t.Rules.Select(r => (t.Table, r)))
            .ToDictionary(x => x.Table + "/" + x.r.Name, x => (object)x.r);

    private static void Compare(List<BundleChange> changes, BundleItemKind item, Dictionary<string, object> now, Dictionary<string, object> next, bool prune,
        Func<object, string> render)
    {
        foreach (var (key, wanted) in next.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var after = render(wanted);
            if (!now.TryGetValue(key, out var existing))
            {
                changes.Add(new BundleChange(BundleChangeKind.Create, item, key, LineDiff.Unified(string.Empty, after, "(none)", key)));
            }
            else if (render(existing) is var before && !string.Equals(before, after, StringComparison.Ordinal))
            {
                changes.Add(new BundleChange(BundleChangeKind.Change, item, key, LineDiff.Unified(before, after, key + " (now)", key + " (bundle)")));
            }
        }

        if (!prune)
        {
            return;
        }

        foreach (var (key, existing) in now.Where(n => !next.ContainsKey(n.Key)).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            changes.Add(new BundleChange(BundleChangeKind.Delete, item, key, LineDiff.Unified(render(existing), string.Empty, key, "(deleted)")));
        }
    }

    /// <summary>A schedule as a plan item: its job is part of it (a schedule stays with its job).</summary>
    public sealed record ScheduleItem(string Job, BundleSchedule Schedule);
}

/// <summary>Paths and table names of a bundle.</summary>
public static class BundlePaths
{
    public static string Clean(string path) => string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public static string Parent(string path) => path.LastIndexOf('/') is var i and >= 0 ? path[..i] : string.Empty;

    /// <summary><c>a/b/c</c> → a/b/c, a/b, a.</summary>
    public static IEnumerable<string> AndAncestors(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            yield return p;
        }
    }

    public static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;

    /// <summary>The names of a path, each a valid folder or job name.</summary>
    public static IReadOnlyList<string> Split(string path, string what)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new Common.DomainException($"A {what} needs a path.");
        }

        return [.. parts.Select((p, i) => JobNames.ValidateName(p, i == parts.Length - 1 ? what : "folder"))];
    }

    /// <summary><c>source:schema.table</c> → (source, schema, table); the table's name may contain dots, the schema's not.</summary>
    public static (string Source, string Schema, string Table) SplitTable(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        var dot = colon < 0 ? -1 : name.IndexOf('.', colon + 1);
        if (colon <= 0 || dot < 0 || dot == colon + 1 || dot == name.Length - 1)
        {
            throw new Common.DomainException($"'{name}' is not a table name: write source:schema.table.");
        }

        return (name[..colon], name[(colon + 1)..dot], name[(dot + 1)..]);
    }

    public static string Table(string source, string schema, string table) => $"{source}:{schema}.{table}";
}
