using AllData.Domain.Alerts;
using AllData.Domain.Catalog;
using AllData.Domain.Quality;
using AllData.Domain.Common;
using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Alerts;

/// <summary>
/// Alert rules, channels, silences and history of the acting user's workspace. Viewers read everything (secrets never leave
/// the server); Operators acknowledge and silence; Developers change rules and channels.
/// </summary>
public sealed class AlertService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly AlertChannelSecretStore secrets;
    private readonly AlertSenders senders;
    private readonly AlertRendering rendering;
    private readonly AlertEvaluator evaluator;
    private readonly TimeProvider clock;

    internal AlertService(AppDb appDb, WorkspaceContext workspace, AlertChannelSecretStore secrets, AlertSenders senders, AlertRendering rendering, AlertEvaluator evaluator, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.secrets = secrets;
        this.senders = senders;
        this.rendering = rendering;
        this.evaluator = evaluator;
        this.clock = clock;
    }

    public async Task<IReadOnlyList<AlertRuleRow>> ListRulesAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var rules = await db.Set<AlertRule>().AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        var firing = await db.Set<AlertInstance>().AsNoTracking().Where(i => i.State == AlertState.Firing)
            .GroupBy(i => i.RuleId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var names = await ScopeNamesAsync(db, ct);
        return [.. rules.Select(r => new AlertRuleRow(r.Id, r.Name, r.Scope, ScopeName(r.Scope, names), r.Condition, (int)r.PendingFor.TotalMinutes,
            r.ReminderEvery is { } e ? (int)e.TotalMinutes : null, (int)r.GroupWindow.TotalSeconds, r.ChannelIds, r.Enabled,
            firing.GetValueOrDefault(r.Id), r.UpdatedBy, r.UpdatedAt))];
    }

    /// <summary>Folders, jobs and clusters a rule can watch.</summary>
    public async Task<IReadOnlyList<AlertScopeOption>> ScopeOptionsAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var folders = await db.Set<JobFolder>().AsNoTracking().OrderBy(f => f.Name).Select(f => new AlertScopeOption(AlertScopeKind.Folder, f.Id, f.Name)).ToListAsync(ct);
        var jobs = await db.Set<Job>().AsNoTracking().OrderBy(j => j.Name).Select(j => new AlertScopeOption(AlertScopeKind.Job, j.Id, j.Name)).ToListAsync(ct);
        var clusters = await db.Set<FlinkCluster>().AsNoTracking().OrderBy(c => c.Name).Select(c => new AlertScopeOption(AlertScopeKind.Cluster, c.Id, c.Name)).ToListAsync(ct);
        // Tables a quality alert can watch: those with quality rules (a catalog may hold thousands of tables).
        var tables = await db.Set<CatalogTable>().AsNoTracking().Where(t => db.Set<QualityRule>().Any(r => r.TableId == t.Id))
            .OrderBy(t => t.SchemaName).ThenBy(t => t.Name).Select(t => new AlertScopeOption(AlertScopeKind.Table, t.Id, t.SchemaName + "." + t.Name)).ToListAsync(ct);
        return [.. folders, .. jobs, .. clusters, .. tables];
    }

    public async Task<Guid> SaveRuleAsync(Guid? id, AlertRuleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change alert rules");
        var by = await workspace.UserNameAsync(ct);
        var at = clock.GetUtcNow();
        var known = await db.Set<AlertChannel>().Where(c => input.ChannelIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        if (known.Count != input.ChannelIds.Distinct().Count())
        {
            throw new DomainException("A chosen channel no longer exists.");
        }

        await CheckScopeAsync(db, input.Scope, ct);
        var name = AlertRule.ValidateName(input.Name);
        if (await db.Set<AlertRule>().AnyAsync(r => r.Name == name && r.Id != id, ct))
        {
            throw new DomainException($"A rule called '{name}' exists already.");
        }

        AlertRule rule;
        if (id is { } existing)
        {
            rule = await db.Set<AlertRule>().FirstOrDefaultAsync(r => r.Id == existing, ct) ?? throw new NotFoundException("The rule no longer exists.");
            rule.Change(input.Name, input.Scope, input.Condition, input.Timing, input.ChannelIds, by, at);
        }
        else
        {
            rule = new AlertRule(access.WorkspaceId, input.Name, input.Scope, input.Condition, input.Timing, input.ChannelIds, by, at);
            db.Add(rule);
        }

        await db.SaveChangesAsync(ct);
        return rule.Id;
    }

    public async Task SetRuleEnabledAsync(Guid id, bool enabled, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change alert rules");
        var rule = await db.Set<AlertRule>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("The rule no longer exists.");
        rule.SetEnabled(enabled, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteRuleAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete alert rules");
        await db.Set<AlertRule>().Where(r => r.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Whom the rule would fire for now, were it saved (the editor's live preview).</summary>
    public async Task<AlertPreview> PreviewAsync(AlertRuleInput input, CancellationToken ct = default)
    {
        var access = await workspace.RequireWorkspaceAsync(ct);
        var rule = new AlertRule(access.WorkspaceId, string.IsNullOrWhiteSpace(input.Name) ? "preview" : input.Name, input.Scope, input.Condition,
            input.Timing, input.ChannelIds.Count == 0 ? [Guid.Empty] : input.ChannelIds, "preview", clock.GetUtcNow());
        var holding = await evaluator.PreviewAsync(rule, ct);
        return new AlertPreview([.. holding.Select(h => h.Subject.Name)]);
    }

    public async Task<IReadOnlyList<AlertChannelRow>> ListChannelsAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var channels = await db.Set<AlertChannel>().AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return [.. channels.Select(c =>
        {
            var s = secrets.Unprotect(c);
            return new AlertChannelRow(c.Id, c.Name, c.Kind, c.Settings, c.UrlHint, s.SigningSecret is not null, s.Password is not null, c.MaxPerMinute,
                c.UpdatedBy, c.UpdatedAt);
        })];
    }

    public async Task<Guid> SaveChannelAsync(Guid? id, AlertChannelInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change alert channels");
        var by = await workspace.UserNameAsync(ct);
        var at = clock.GetUtcNow();
        var name = input.Name?.Trim() ?? string.Empty;
        if (await db.Set<AlertChannel>().AnyAsync(c => c.Name == name && c.Id != id, ct))
        {
            throw new DomainException($"A channel called '{name}' exists already.");
        }

        AlertChannel? channel = null;
        AlertChannelSecrets stored = new(null, null, null);
        if (id is { } existing)
        {
            channel = await db.Set<AlertChannel>().FirstOrDefaultAsync(c => c.Id == existing, ct) ?? throw new DomainException("The channel no longer exists.");
            stored = secrets.Unprotect(channel);
        }

        var kind = channel?.Kind ?? input.Kind;
        var merged = new AlertChannelSecrets(
            string.IsNullOrWhiteSpace(input.Url) ? stored.Url : input.Url,
            string.IsNullOrEmpty(input.SigningSecret) ? stored.SigningSecret : input.SigningSecret,
            string.IsNullOrEmpty(input.Password) ? stored.Password : input.Password).Validate(kind);
        var hint = AlertChannelSecrets.Display(merged.Url);
        if (channel is null)
        {
            channel = new AlertChannel(access.WorkspaceId, input.Name ?? string.Empty, kind, input.Settings, secrets.Protect(merged), hint, by, at);
            db.Add(channel);
        }
        else
        {
            channel.Change(input.Name ?? string.Empty, input.Settings, secrets.Protect(merged), hint, by, at);
        }

        await db.SaveChangesAsync(ct);
        return channel.Id;
    }

    public async Task DeleteChannelAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete alert channels");
        var used = await db.Set<AlertRule>().AsNoTracking().ToListAsync(ct);
        if (used.FirstOrDefault(r => r.ChannelIds.Contains(id)) is { } rule)
        {
            throw new DomainException($"The rule '{rule.Name}' notifies this channel; change the rule first.");
        }

        await db.Set<AlertChannel>().Where(c => c.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Sends a test message through the channel now, and tells what the channel answered.</summary>
    public async Task<AlertSendResult> SendTestAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "test alert channels");
        var channel = await db.Set<AlertChannel>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new DomainException("The channel no longer exists.");
        var language = await LanguageAsync(db, ct);
        var at = clock.GetUtcNow();
        var test = language.StartsWith("zh", StringComparison.Ordinal) ? "测试消息" : "Test message";
        var message = new AlertMessage(Guid.CreateVersion7(at),
            [new AlertMessageItem(channel.Name, AlertNotificationKind.Firing, test, language.StartsWith("zh", StringComparison.Ordinal)
                ? "AllData 告警通道可用" : "AllData can reach this channel", at, rendering.AlertsLink())], false, at);
        return await senders.SendAsync(new AlertSendRequest(channel, secrets.Unprotect(channel), message, AlertRendering.Render(channel, message, language)), ct);
    }

    public async Task<string> GetLanguageAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await LanguageAsync(db, ct);
    }

    public async Task SetLanguageAsync(string language, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change the alert language");
        var settings = await db.Set<AlertWorkspaceSettings>().FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            db.Add(new AlertWorkspaceSettings(access.WorkspaceId, language));
        }
        else
        {
            settings.SetLanguage(language);
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<AlertInstanceRow>> ListAlertsAsync(bool activeOnly, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var query = db.Set<AlertInstance>().AsNoTracking().Where(i => i.State != AlertState.Normal);
        if (activeOnly)
        {
            query = query.Where(i => i.State == AlertState.Firing);
        }

        return await (from i in query
                      join r in db.Set<AlertRule>().AsNoTracking() on i.RuleId equals r.Id
                      orderby i.State == AlertState.Firing descending, i.ChangedAt descending
                      select new AlertInstanceRow(i.Id, i.RuleId, r.Name, i.SubjectKey, i.SubjectName, i.RunId, i.State, i.ChangedAt, i.FiringSince,
                          i.ResolvedAt, i.Reason, i.AcknowledgedAt, i.AcknowledgedBy))
            .Take(500).ToListAsync(ct);
    }

    public async Task<int> CountFiringAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<AlertInstance>().CountAsync(i => i.State == AlertState.Firing, ct);
    }

    public async Task<IReadOnlyList<AlertEventRow>> HistoryAsync(Guid? instanceId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var events = db.Set<AlertEvent>().AsNoTracking();
        if (instanceId is { } i)
        {
            events = events.Where(e => e.InstanceId == i);
        }

        var notes = db.Set<AlertNotification>().AsNoTracking();
        return await (from e in events
                      join r in db.Set<AlertRule>().AsNoTracking() on e.RuleId equals r.Id
                      orderby e.At descending
                      select new AlertEventRow(e.Id, e.InstanceId, e.RuleId, r.Name, e.SubjectName, e.RunId, e.Kind, e.Sequence, e.At, e.Reason, e.Silenced,
                          notes.Count(n => n.EventId == e.Id && n.Status == AlertNotificationStatus.Delivered),
                          notes.Count(n => n.EventId == e.Id && n.Status == AlertNotificationStatus.Pending),
                          notes.Count(n => n.EventId == e.Id && n.Status == AlertNotificationStatus.Failed)))
            .Take(500).ToListAsync(ct);
    }

    /// <summary>The delivery log of one history entry: every attempt per channel, with status code, error and latency.</summary>
    public async Task<IReadOnlyList<AlertDeliveryRow>> DeliveriesAsync(Guid eventId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var rows = await (from n in db.Set<AlertNotification>().AsNoTracking()
                          where n.EventId == eventId
                          join c in db.Set<AlertChannel>().AsNoTracking() on n.ChannelId equals c.Id
                          from a in db.Set<AlertDeliveryAttempt>().AsNoTracking().Where(a => a.NotificationId == n.Id).DefaultIfEmpty()
                          orderby c.Name, a!.At
                          select new AlertDeliveryRow(n.Id, c.Name, c.Kind, n.Status, a == null ? null : a.At, a == null ? null : a.Succeeded,
                              a == null ? null : a.StatusCode, a == null ? null : a.Error, a == null ? null : a.LatencyMs, a != null && a.Digest, n.DueAt))
            .ToListAsync(ct);
        return rows;
    }

    public async Task AcknowledgeAsync(Guid instanceId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "acknowledge alerts");
        var instance = await db.Set<AlertInstance>().FirstOrDefaultAsync(i => i.Id == instanceId, ct) ?? throw new NotFoundException("The alert no longer exists.");
        instance.Acknowledge(await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<AlertSilenceRow>> ListSilencesAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var now = clock.GetUtcNow();
        var since = now - TimeSpan.FromDays(7);
        var rules = await db.Set<AlertRule>().AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var silences = await db.Set<AlertSilence>().AsNoTracking().Where(s => s.EndsAt > since).OrderByDescending(s => s.EndsAt).ToListAsync(ct);
        return [.. silences.Select(s => new AlertSilenceRow(s.Id, s.RuleId, s.RuleId is { } r ? rules.GetValueOrDefault(r) : null, s.SubjectKey, s.StartsAt,
            s.EndsAt, s.Reason, s.CreatedBy, s.IsActiveAt(now)))];
    }

    public async Task<Guid> AddSilenceAsync(Guid? ruleId, string? subjectKey, TimeSpan duration, string reason, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "silence alerts");
        if (ruleId is { } r && !await db.Set<AlertRule>().AnyAsync(x => x.Id == r, ct))
        {
            throw new NotFoundException("The rule no longer exists.");
        }

        var now = clock.GetUtcNow();
        var silence = new AlertSilence(access.WorkspaceId, ruleId, subjectKey, now, now + duration, reason, await workspace.UserNameAsync(ct), now);
        db.Add(silence);
        await db.SaveChangesAsync(ct);
        return silence.Id;
    }

    public async Task EndSilenceAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Operator, "end silences");
        var silence = await db.Set<AlertSilence>().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("The silence no longer exists.");
        silence.End(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
    }

    private static async Task<string> LanguageAsync(AllDataDbContext db, CancellationToken ct) =>
        await db.Set<AlertWorkspaceSettings>().AsNoTracking().Select(s => s.Language).FirstOrDefaultAsync(ct) ?? "en";

    private static async Task CheckScopeAsync(AllDataDbContext db, AlertScope scope, CancellationToken ct)
    {
        var exists = scope.Kind switch
        {
            AlertScopeKind.Job when scope.TargetId is { } j => await db.Set<Job>().AnyAsync(x => x.Id == j, ct),
            AlertScopeKind.Folder when scope.TargetId is { } f => await db.Set<JobFolder>().AnyAsync(x => x.Id == f, ct),
            AlertScopeKind.Cluster when scope.TargetId is { } c => await db.Set<FlinkCluster>().AnyAsync(x => x.Id == c, ct),
            AlertScopeKind.Table when scope.TargetId is { } t => await db.Set<CatalogTable>().AnyAsync(x => x.Id == t, ct),
            _ => true,
        };
        if (!exists)
        {
            throw new DomainException($"The chosen {scope.Kind.ToString().ToLowerInvariant()} does not exist in this workspace.");
        }
    }

    private static async Task<Dictionary<Guid, string>> ScopeNamesAsync(AllDataDbContext db, CancellationToken ct)
    {
        var names = await db.Set<Job>().AsNoTracking().Select(j => new { j.Id, j.Name }).ToDictionaryAsync(j => j.Id, j => j.Name, ct);
        foreach (var f in await db.Set<JobFolder>().AsNoTracking().Select(f => new { f.Id, f.Name }).ToListAsync(ct))
        {
            names[f.Id] = f.Name;
        }

        foreach (var c in await db.Set<FlinkCluster>().AsNoTracking().Select(c => new { c.Id, c.Name }).ToListAsync(ct))
        {
            names[c.Id] = c.Name;
        }

        return names;
    }

    private static string ScopeName(AlertScope scope, Dictionary<Guid, string> names) => scope.Kind switch
    {
        AlertScopeKind.AllJobs => string.Empty,
        AlertScopeKind.Table => scope.TableName ?? string.Empty,
        _ => scope.TargetId is { } id ? names.GetValueOrDefault(id, id.ToString()[..8]) : string.Empty,
    };
}
