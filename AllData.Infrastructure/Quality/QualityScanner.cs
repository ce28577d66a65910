using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllData.Infrastructure.Quality;

/// <summary>A catalog table loaded for a scan: its source, shape and the tables its referential rules point at.</summary>
internal sealed record QualityTarget(CatalogTable Table, DataSource Source, ScanTable Shape, IReadOnlyDictionary<Guid, (string Schema, string Name)> References);

/// <summary>What measuring rules produced: one result per rule, rows scanned and queries sent.</summary>
internal sealed record Measurement(IReadOnlyList<QualityResult> Results, long? Rows, int QueryCount, IReadOnlyDictionary<Guid, string> Sql);

/// <summary>
/// Measures rules of one table against its source: compiles them into one aggregate query plus one per unique,
/// referential and custom rule, runs them in one read-only transaction, judges, and samples failing rows.
/// </summary>
internal sealed class QualityScanner(DataSourceSecrets secrets, QualitySources sources, IOptions<QualityOptions> options, TimeProvider clock)
{
    private readonly QualityMasking _masking = new(options.Value.MaskPattern);

    public static async Task<QualityTarget> LoadAsync(AllDataDbContext db, Guid tableId, IEnumerable<QualityRule> rules, CancellationToken ct)
    {
        var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tableId, ct)
            ?? throw new DomainException("The table is not in the catalog.");
        var source = await db.Set<DataSource>().AsNoTracking().FirstAsync(d => d.Id == table.DataSourceId, ct);
        var columns = await db.Set<CatalogColumn>().AsNoTracking().Where(c => c.TableId == tableId).OrderBy(c => c.Position)
            .Select(c => new ScanColumn(c.Name, c.DataType)).ToListAsync(ct);
        var referenceIds = rules.Select(r => r.Spec.ReferenceTableId).OfType<Guid>().Distinct().ToList();
        var references = await db.Set<CatalogTable>().AsNoTracking().Where(t => referenceIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => (t.SchemaName, t.Name), ct);
        var shape = new ScanTable(table.SchemaName, table.Name, columns, table.PrimaryKey?.Columns ?? []);
        return new QualityTarget(table, source, shape, references);
    }

    public QualityScanCompiler CompilerFor(DataSourceKind kind) => new(sources.For(kind).Dialect, _masking);

    /// <summary>Measures <paramref name="rules"/>; baselines by rule id feed relative thresholds.</summary>
    public async Task<Measurement> MeasureAsync(QualityTarget target, QualityScan scan, IReadOnlyList<QualityRule> rules,
        IReadOnlyDictionary<Guid, double> baselines, bool withSamples, CancellationToken ct)
    {
        target.Source.EnsureEnabled();
        var source = sources.For(target.Source.Kind);
        var compiler = new QualityScanCompiler(source.Dialect, _masking);
        var compiled = compiler.Compile(target.Shape, rules, target.References);
        var sql = compiled.RuleQueries.ToDictionary(q => q.RuleId, q => q.Query.Sql);
        var queries = 0;
        await using var session = await source.OpenAsync(secrets.ConnectionOf(target.Source), options.Value.StatementTimeoutSeconds, ct);

        queries++;
        var row = await session.ReadRowAsync(compiled.Aggregate, ct);
        var rows = row[0] is { } total ? (long)total : (long?)null;
        var perRule = new Dictionary<Guid, (double? Metric, string? Error)>();
        foreach (var q in compiled.RuleQueries)
        {
            queries++;
            try
            {
                var value = await session.IsolatedAsync(() => session.ReadRowAsync(q.Query, ct), ct);
                perRule[q.RuleId] = (value.Length > 0 ? value[0] : null, null);
            }
            catch (QualityQueryException e)
            {
                perRule[q.RuleId] = (null, e.Message);
            }
        }

        var at = clock.GetUtcNow();
        var results = new List<QualityResult>();
        var slots = compiled.Slots.ToDictionary(s => s.RuleId);
        foreach (var rule in rules)
        {
            var baseline = baselines.TryGetValue(rule.Id, out var b) ? b : (double?)null;
            if (perRule.TryGetValue(rule.Id, out var own) && own.Error is { } error)
            {
                results.Add(QualityResult.Errored(scan, rule, error, at));
                continue;
            }

            var considered = slots.TryGetValue(rule.Id, out var slot) ? (long?)(long)(row[slot.Rows] ?? 0) : null;
            var metric = slot?.Metric is { } m ? row[m] : own.Metric;
            var result = new QualityResult(scan, rule, metric, considered, baseline, at);
            if (withSamples && result.Outcome is QualityOutcome.Failed or QualityOutcome.Warned
                && compiler.Samples(target.Shape, rule, target.References) is { } sampling)
            {
                queries++;
                try
                {
                    var sample = await session.IsolatedAsync(() => session.ReadTextAsync(sampling.Query, ct), ct);
                    result.AttachSamples(new QualitySamples(sampling.Shape.Columns, sampling.Shape.Masked,
                        [.. sample.Select(r => (IReadOnlyList<string?>)[.. r.Select((v, i) => sampling.Shape.Masked.Contains(sampling.Shape.Columns[i]) ? QualitySamples.Mask : v)])]));
                }
                catch (QualityQueryException)
                {
                    // Samples are a help, not the result: the metric stands without them.
                }
            }

            results.Add(result);
        }

        return new Measurement(results, rows, queries, sql);
    }

    /// <summary>
    /// Has the source's parser validate a rule before it is saved: its filter, its compiled queries (column names,
    /// types, the regular expression) — in a read-only transaction, running nothing.
    /// </summary>
    public async Task ValidateAsync(QualityTarget target, QualityRule rule, CancellationToken ct)
    {
        target.Source.EnsureEnabled();
        var source = sources.For(target.Source.Kind);
        var compiler = new QualityScanCompiler(source.Dialect, _masking);
        var columns = target.Shape.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (rule.Spec.Columns.FirstOrDefault(c => !columns.Contains(c)) is { } missing)
        {
            throw new DomainException($"The table has no column '{missing}'.");
        }

        await using var session = await source.OpenAsync(secrets.ConnectionOf(target.Source), options.Value.StatementTimeoutSeconds, ct);
        if (rule.Spec.Filter is { } filter)
        {
            try
            {
                await session.ValidateAsync(compiler.FilterProbe(target.Shape, filter), ct);
            }
            catch (DomainException e)
            {
                throw new QualityFieldException("filter", $"The filter is not valid here: {e.Message}");
            }
        }

        if (rule.Spec.Type == QualityRuleType.Regex)
        {
            // Ask the regex engine itself first (PostgreSQL's planner does not compile a parameter's pattern; MariaDB's does, and
            // would blame the whole rule).
            var parameters = source.Dialect.CreateParameters();
            var pattern = parameters.Add(rule.Spec.Pattern!);
            var probe = new CompiledQuery($"SELECT CASE WHEN {source.Dialect.NotMatching("''", pattern)} THEN 1 ELSE 0 END", parameters.Values);
            try
            {
                await session.IsolatedAsync(() => session.ReadRowAsync(probe, ct), ct);
            }
            catch (QualityQueryException e)
            {
                throw new QualityFieldException("pattern", $"The regular expression is not valid: {e.Reason}");
            }
        }

        var compiled = compiler.CompileOne(target.Shape, rule, target.References);
        var field = rule.Spec.Type == QualityRuleType.CustomSql ? "sql" : null;
        try
        {
            await session.ValidateAsync(compiled.Aggregate, ct);
            foreach (var q in compiled.RuleQueries)
            {
                await session.ValidateAsync(q.Query, ct);
            }
        }
        catch (DomainException e)
        {
            throw new QualityFieldException(field, $"The rule does not compile on this table: {e.Message}");
        }
    }
}

/// <summary>A rule that the database rejected, with the editor field the message belongs to (null: the rule as a whole).</summary>
public sealed class QualityFieldException(string? field, string message) : Exception(message)
{
    public string? Field { get; } = field;
}
