using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Quality;

/// <summary>Defining rules on catalog tables (Developer and above): validated by the source's parser before saving.</summary>
public sealed class QualityRuleService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly QualityScanner scanner;
    private readonly CatalogService catalog;
    private readonly TimeProvider clock;

    internal QualityRuleService(AppDb appDb, WorkspaceContext workspace, QualityScanner scanner, CatalogService catalog, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.scanner = scanner;
        this.catalog = catalog;
        this.clock = clock;
    }

    public async Task<QualityRuleRow> CreateAsync(Guid tableId, QualityRuleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "define quality rules");
            var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tableId, ct)
                ?? throw new NotFoundException("The table is not in the catalog.");
            await EnsureUniqueName(db, tableId, input.Name, null, ct);
            var rule = new QualityRule(access.WorkspaceId, table.DataSourceId, tableId, input.Name, input.Spec, input.Severity, input.Weight,
                input.IsBlocking, input.Description, await workspace.UserNameOrIdAsync(ct), clock.GetUtcNow());
            await ValidateAgainstSourceAsync(db, rule, ct);
            db.Add(rule);
            await db.SaveChangesAsync(ct);
            return Row(rule, null);
        }
    }

    public async Task<QualityRuleRow> UpdateAsync(Guid ruleId, QualityRuleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit quality rules");
            var rule = await db.Set<QualityRule>().FirstOrDefaultAsync(r => r.Id == ruleId, ct) ?? throw new NotFoundException("The rule does not exist.");
            await EnsureUniqueName(db, rule.TableId, input.Name, rule.Id, ct);
            rule.Change(input.Name, input.Spec, input.Severity, input.Weight, input.IsBlocking, input.Description, clock.GetUtcNow());
            await ValidateAgainstSourceAsync(db, rule, ct);
            await db.SaveChangesAsync(ct);
            return Row(rule, null);
        }
    }

    public async Task SetEnabledAsync(Guid ruleId, bool enabled, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit quality rules");
            var rule = await db.Set<QualityRule>().FirstOrDefaultAsync(r => r.Id == ruleId, ct) ?? throw new NotFoundException("The rule does not exist.");
            rule.SetEnabled(enabled, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Deletes the rule and its results.</summary>
    public async Task DeleteAsync(Guid ruleId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "delete quality rules");
            if (await db.Set<QualityRule>().Where(r => r.Id == ruleId).ExecuteDeleteAsync(ct) == 0)
            {
                throw new NotFoundException("The rule does not exist.");
            }
        }
    }

    public async Task<QualityRuleInput> GetForEditAsync(Guid ruleId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var rule = await db.Set<QualityRule>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == ruleId, ct) ?? throw new NotFoundException("The rule does not exist.");
            return new QualityRuleInput
            {
                Name = rule.Name, Spec = rule.Spec, Severity = rule.Severity, Weight = rule.Weight, IsBlocking = rule.IsBlocking, Description = rule.Description,
            };
        }
    }

    /// <summary>"Test now": measures only this (possibly unsaved) rule, with samples, and keeps nothing.</summary>
    public async Task<QualityRuleTest> TestAsync(Guid tableId, QualityRuleInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "test quality rules");
            var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == tableId, ct)
                ?? throw new NotFoundException("The table is not in the catalog.");
            var at = clock.GetUtcNow();
            var rule = new QualityRule(access.WorkspaceId, table.DataSourceId, tableId, string.IsNullOrWhiteSpace(input.Name) ? "test" : input.Name,
                input.Spec, input.Severity, input.Weight, input.IsBlocking, input.Description, access.WorkspaceId.ToString(), at);
            var target = await QualityScanner.LoadAsync(db, tableId, [rule], ct);
            await scanner.ValidateAsync(target, rule, ct);
            var baselines = await QualityScanService.BaselinesAsync(db, [rule], at, ct);
            var scan = new QualityScan(access.WorkspaceId, table.DataSourceId, tableId, QualityScanTrigger.Manual, "test", at);
            var measured = await scanner.MeasureAsync(target, scan, [rule], baselines, withSamples: true, ct);
            var result = measured.Results[0];
            var compiled = scanner.CompilerFor(target.Source.Kind).CompileOne(target.Shape, rule, target.References);
            var sql = string.Join(";\n", new[] { compiled.Aggregate.Sql }.Concat(compiled.RuleQueries.Select(q => q.Query.Sql)));
            return result.Outcome == QualityOutcome.Error
                ? throw new DomainException(result.Error ?? "The rule could not be measured.")
                : new QualityRuleTest(result.Metric, result.Rows, result.Percent, result.Outcome, result.Threshold, result.Samples, sql);
        }
    }

    /// <summary>
    /// Rules the column profile suggests (not-null columns that have no nulls, unique keys, observed ranges), minus
    /// those the table already has; the user accepts them one by one.
    /// </summary>
    public async Task<IReadOnlyList<QualityRuleSuggestion>> SuggestAsync(Guid tableId, CancellationToken ct = default)
    {
        var details = await catalog.GetTableAsync(tableId, ct);
        var profile = await catalog.ProfileAsync(tableId, null, ct);
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var existing = await db.Set<QualityRule>().AsNoTracking().Where(r => r.TableId == tableId).ToListAsync(ct);
            return QualitySuggestions.From(details, profile, existing);
        }
    }

    private Task ValidateAgainstSourceAsync(AllDataDbContext db, QualityRule rule, CancellationToken ct) => ValidateAgainstSourceAsync(db, scanner, rule, ct);

    /// <summary>
    /// The checks of a rule against the catalog (its columns, its referenced table) and the source's parser (the compiled
    /// queries, filter included, are planned by the database): also what an import checks each new or changed rule with.
    /// </summary>
    internal static async Task ValidateAgainstSourceAsync(AllDataDbContext db, QualityScanner scanner, QualityRule rule, CancellationToken ct)
    {
        if (rule.Spec.ReferenceTableId is { } refId)
        {
            var target = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == refId, ct)
                ?? throw new QualityFieldException("reference", "The referenced table is not in the catalog.");
            if (target.DataSourceId != rule.DataSourceId)
            {
                throw new QualityFieldException("reference", "The referenced table must be in the same data source.");
            }

            if (!await db.Set<CatalogColumn>().AnyAsync(c => c.TableId == refId && c.Name == rule.Spec.ReferenceColumn, ct))
            {
                throw new QualityFieldException("reference", $"The referenced table has no column '{rule.Spec.ReferenceColumn}'.");
            }
        }

        var columns = await db.Set<CatalogColumn>().AsNoTracking().Where(c => c.TableId == rule.TableId).Select(c => c.Name).ToListAsync(ct);
        if (rule.Spec.Columns.FirstOrDefault(c => !columns.Contains(c)) is { } missing)
        {
            throw new QualityFieldException("columns", $"The table has no column '{missing}' (as of its last sync).");
        }

        var loaded = await QualityScanner.LoadAsync(db, rule.TableId, [rule], ct);
        await scanner.ValidateAsync(loaded, rule, ct);
    }

    private static async Task EnsureUniqueName(AllDataDbContext db, Guid tableId, string name, Guid? except, CancellationToken ct)
    {
        var trimmed = name.Trim();
        if (await db.Set<QualityRule>().AnyAsync(r => r.TableId == tableId && r.Name == trimmed && r.Id != except, ct))
        {
            throw new QualityFieldException("name", $"The table already has a rule named '{trimmed}'.");
        }
    }

    internal static QualityRuleRow Row(QualityRule r, QualityResultRow? last) =>
        new(r.Id, r.Name, r.Spec, r.Severity, r.Weight, r.IsBlocking, r.IsEnabled, r.Description, last);
}

internal static class QualityWorkspaceExtensions
{
    public static async Task<string> UserNameOrIdAsync(this WorkspaceContext context, CancellationToken ct) =>
        (await context.GetAsync(ct))?.UserName ?? "system";
}
