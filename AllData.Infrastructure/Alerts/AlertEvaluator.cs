using AllData.Domain.Alerts;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AllData.Infrastructure.Alerts;

/// <summary>What one evaluation pass did.</summary>
public sealed record AlertEvaluationResult(bool Ran, int StatusChangesRead, int Transitions, int NotificationsQueued);

/// <summary>
/// Evaluates every enabled rule of every workspace, from any app instance: event conditions from the stored status changes
/// after the cursor, time conditions from the store's current state. The pass holds the cursor row's lock
/// (FOR UPDATE SKIP LOCKED) for its whole transaction, so two instances never evaluate at once, and a transition, its
/// history row and its outbox rows commit together with the cursor's move: nothing is missed or made twice.
/// </summary>
internal sealed class AlertEvaluator(
    IDbContextFactory<AllDataDbContext> factory, TimeProvider clock, IOptions<AlertOptions> options, ILogger<AlertEvaluator> logger)
{
    internal const string CursorName = "run-status-changes";
    private const int BatchSize = 1000;

    public async Task<AlertEvaluationResult> EvaluateAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO alert_cursors (name, at, last_id) VALUES ({CursorName}, {DateTimeOffset.UnixEpoch}, {Guid.Empty}) ON CONFLICT DO NOTHING", ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var cursors = await db.Set<AlertCursor>()
            .FromSqlInterpolated($"SELECT * FROM alert_cursors WHERE name = {CursorName} FOR UPDATE SKIP LOCKED").ToListAsync(ct);
        if (cursors is not [var cursor])
        {
            return new AlertEvaluationResult(false, 0, 0, 0);
        }

        var now = clock.GetUtcNow();
        var pass = new Pass(db, now);
        var rules = await db.Set<AlertRule>().IgnoreQueryFilters().Where(r => r.Enabled).ToListAsync(ct);
        var read = await ReadEventsAsync(db, cursor, rules, pass, ct);

        foreach (var rule in rules.Where(r => r.Condition.Kind.Evaluation() == AlertEvaluation.Time))
        {
            try
            {
                var scope = await pass.ScopeAsync(rule.WorkspaceId, ct);
                var holding = await AlertConditions.HoldingAsync(db, rule, scope, now, ct);
                await pass.ApplyAsync(rule, holding, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Alert rule {RuleId} could not be evaluated", rule.Id);
            }
        }

        // Event rules: pending alerts may fire, firing ones may remind, with no new event.
        await pass.TickEventRulesAsync(rules.Where(r => r.Condition.Kind.Evaluation() == AlertEvaluation.Event).ToList(), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (pass.Transitions > 0)
        {
            logger.LogInformation("Alert evaluation: {Transitions} transitions, {Queued} notifications queued", pass.Transitions, pass.Queued);
        }

        return new AlertEvaluationResult(true, read, pass.Transitions, pass.Queued);
    }

    /// <summary>The subjects a rule (saved or not) would fire for now: the editor's live preview.</summary>
    internal async Task<IReadOnlyList<Holding>> PreviewAsync(AlertRule rule, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var scope = await ScopeIndex.LoadAsync(db, rule.WorkspaceId, ct);
        return await AlertConditions.HoldingAsync(db, rule, scope, clock.GetUtcNow(), ct);
    }

    private async Task<int> ReadEventsAsync(AllDataDbContext db, AlertCursor cursor, List<AlertRule> rules, Pass pass, CancellationToken ct)
    {
        var settled = pass.Now - TimeSpan.FromSeconds(options.Value.EventSettleSeconds);
        var (at, id) = (cursor.At, cursor.LastId);
        var batch = await (
                from c in db.Set<RunStatusChange>().IgnoreQueryFilters().AsNoTracking()
                where (c.At > at || (c.At == at && c.Id.CompareTo(id) > 0)) && c.At <= settled
                join r in db.Set<JobRun>().IgnoreQueryFilters().AsNoTracking() on c.RunId equals r.Id
                orderby c.At, c.Id
                select new { c.Id, c.At, c.WorkspaceId, c.RunId, c.To, c.Reason, r.JobId, r.FlinkClusterId })
            .Take(BatchSize)
            .ToListAsync(ct);
        var eventRules = rules.Where(r => r.Condition.Kind == AlertConditionKind.RunFailed).ToList();
        foreach (var change in batch)
        {
            if (change.To is RunStatus.Failed or RunStatus.Finished)
            {
                foreach (var rule in eventRules.Where(r => r.WorkspaceId == change.WorkspaceId && r.CreatedAt <= change.At))
                {
                    var scope = await pass.ScopeAsync(rule.WorkspaceId, ct);
                    if (!scope.CoversJob(rule.Scope, change.JobId, change.FlinkClusterId))
                    {
                        continue;
                    }

                    var subject = AlertSubject.Job(change.JobId, scope.JobName(change.JobId), change.RunId);
                    var failed = change.To == RunStatus.Failed;
                    await pass.ObserveAsync(rule, subject, failed, failed ? change.Reason ?? "failed" : "succeeded", change.At, ct);
                }
            }

            cursor.At = change.At;
            cursor.LastId = change.Id;
        }

        return batch.Count;
    }

    /// <summary>The work of one pass: instances loaded once, transitions recorded with their outbox rows.</summary>
    private sealed class Pass(AllDataDbContext db, DateTimeOffset now)
    {
        private readonly Dictionary<Guid, ScopeIndex> _scopes = [];
        private readonly Dictionary<Guid, Dictionary<string, AlertInstance>> _instances = [];
        private readonly Dictionary<Guid, List<AlertSilence>> _silences = [];
        private readonly Dictionary<(Guid Rule, Guid Channel), DateTimeOffset?> _anchors = [];
        private HashSet<Guid>? _channels;

        public DateTimeOffset Now => now;

        public int Transitions { get; private set; }

        public int Queued { get; private set; }

        public async Task<ScopeIndex> ScopeAsync(Guid workspaceId, CancellationToken ct)
        {
            if (!_scopes.TryGetValue(workspaceId, out var scope))
            {
                scope = await ScopeIndex.LoadAsync(db, workspaceId, ct);
                _scopes[workspaceId] = scope;
            }

            return scope;
        }

        public async Task ApplyAsync(AlertRule rule, IReadOnlyList<Holding> holding, CancellationToken ct)
        {
            var instances = await InstancesAsync(rule, ct);
            var holdingKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var h in holding)
            {
                holdingKeys.Add(h.Subject.Key);
                await ObserveAsync(rule, h.Subject, true, h.Reason, now, ct);
            }

            foreach (var instance in instances.Values.Where(i => i.IsActive && !holdingKeys.Contains(i.SubjectKey)).ToList())
            {
                await RecordAsync(rule, instance, instance.Observe(false, now, "condition no longer holds", rule.Timing), ct);
            }
        }

        public async Task TickEventRulesAsync(List<AlertRule> rules, CancellationToken ct)
        {
            foreach (var rule in rules)
            {
                var instances = await InstancesAsync(rule, ct);
                foreach (var instance in instances.Values.Where(i => i.IsActive).ToList())
                {
                    await RecordAsync(rule, instance, instance.Tick(now, rule.Timing), ct);
                }
            }
        }

        public async Task ObserveAsync(AlertRule rule, AlertSubject subject, bool holds, string reason, DateTimeOffset at, CancellationToken ct)
        {
            var instances = await InstancesAsync(rule, ct);
            if (!instances.TryGetValue(subject.Key, out var instance))
            {
                if (!holds)
                {
                    return;
                }

                instance = new AlertInstance(rule.WorkspaceId, rule.Id, subject, at);
                db.Add(instance);
                instances[subject.Key] = instance;
            }

            // An event may be older than the pass; pending periods count from the event, firing happens no earlier than now.
            var transition = instance.Observe(holds, at, reason, rule.Timing, subject);
            await RecordAsync(rule, instance, transition, ct);
            if (holds && instance.State == AlertState.Pending)
            {
                await RecordAsync(rule, instance, instance.Tick(now, rule.Timing), ct);
            }
        }

        private async Task RecordAsync(AlertRule rule, AlertInstance instance, AlertTransition? transition, CancellationToken ct)
        {
            if (transition is null)
            {
                return;
            }

            Transitions++;
            var silences = await SilencesAsync(rule.WorkspaceId, ct);
            var silenced = silences.Any(s => s.Mutes(rule.Id, instance.SubjectKey, now));
            var alertEvent = new AlertEvent(instance, transition, silenced);
            db.Add(alertEvent);
            if (silenced)
            {
                return;
            }

            _channels ??= [.. await db.Set<AlertChannel>().IgnoreQueryFilters().Select(c => c.Id).ToListAsync(ct)];
            foreach (var channelId in rule.ChannelIds.Where(_channels.Contains))
            {
                var key = (rule.Id, channelId);
                if (!_anchors.TryGetValue(key, out var anchor))
                {
                    var since = now - rule.GroupWindow;
                    anchor = await db.Set<AlertNotification>().IgnoreQueryFilters()
                        .Where(n => n.RuleId == rule.Id && n.ChannelId == channelId && n.DueAt > since)
                        .MaxAsync(n => (DateTimeOffset?)n.DueAt, ct);
                }

                var due = rule.GroupWindow > TimeSpan.Zero ? AlertGrouping.DueAt(now, anchor, rule.GroupWindow) : now;
                _anchors[key] = due;
                db.Add(new AlertNotification(alertEvent, channelId, due));
                Queued++;
            }
        }

        private async Task<Dictionary<string, AlertInstance>> InstancesAsync(AlertRule rule, CancellationToken ct)
        {
            if (!_instances.TryGetValue(rule.Id, out var instances))
            {
                instances = await db.Set<AlertInstance>().IgnoreQueryFilters().Where(i => i.RuleId == rule.Id)
                    .ToDictionaryAsync(i => i.SubjectKey, StringComparer.Ordinal, ct);
                _instances[rule.Id] = instances;
            }

            return instances;
        }

        private async Task<List<AlertSilence>> SilencesAsync(Guid workspaceId, CancellationToken ct)
        {
            if (!_silences.TryGetValue(workspaceId, out var silences))
            {
                silences = await db.Set<AlertSilence>().IgnoreQueryFilters().AsNoTracking()
                    .Where(s => s.WorkspaceId == workspaceId && s.EndsAt > now && s.StartsAt <= now).ToListAsync(ct);
                _silences[workspaceId] = silences;
            }

            return silences;
        }
    }
}
