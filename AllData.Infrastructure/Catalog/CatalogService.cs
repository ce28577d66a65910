using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Catalog;

public sealed record TreeSource(Guid Id, string Name, bool IsEnabled);

public sealed record TreeSchema(string Name, int Tables);

public sealed record TreeTable(Guid Id, Guid SourceId, string SourceName, string Schema, string Name, TableKind Kind);

/// <summary>A search hit: a table, or a column of it (<see cref="Column"/> set). Lower rank is better.</summary>
public sealed record SearchHit(Guid TableId, string SourceName, string Schema, string Table, TableKind Kind, string? Column,
    string? DataType, string? Comment, string? Description, IReadOnlyList<string> Tags, int Rank);

public sealed record ColumnRow(
    Guid Id,
    int Position,
    string Name,
    string DataType,
    bool IsNullable,
    string? Default,
    ColumnGeneration Generation,
    string? Comment,
    string? Description,
    IReadOnlyList<string> Tags,
    bool IsPrimaryKey,
    bool IsUnique,
    bool IsForeignKey);

public sealed record TableDetails(
    Guid Id,
    Guid SourceId,
    string SourceName,
    string Schema,
    string Name,
    TableKind Kind,
    string? Comment,
    long? EstimatedRows,
    long? TotalBytes,
    string? Description,
    IReadOnlyList<string> Tags,
    string? Owner,
    DateTimeOffset LastSyncedAt,
    IReadOnlyList<ColumnRow> Columns,
    KeyConstraint? PrimaryKey,
    IReadOnlyList<KeyConstraint> UniqueConstraints,
    IReadOnlyList<TableIndex> Indexes);

public sealed record TableDdl(string Postgres, string FlinkJdbc, string FlinkCdc);

public enum RelationshipDirection
{
    Outgoing = 1,
    Incoming = 2,
}

/// <summary>A foreign key seen from one table; <see cref="OtherTableId"/> is null when the other table is not in the catalog.</summary>
public sealed record Relationship(RelationshipDirection Direction, string Constraint, IReadOnlyList<string> Columns,
    Guid? OtherTableId, string OtherSchema, string OtherTable, IReadOnlyList<string> OtherColumns);

public sealed record TableChangeRow(DateTimeOffset At, CatalogChangeKind Kind, string? Column, ColumnAspects Aspects, string? Before, string? After);

/// <summary>Browsing, search, annotations, preview and profile of the catalog of the acting user's workspace.</summary>
internal sealed class CatalogService(AppDb appDb, DataSourceSecrets secrets, CatalogReaders readers)
{
    public const int PreviewRows = 100;
    private const string LikeEscape = "\\";

    public async Task<IReadOnlyList<TreeSource>> GetSourcesAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<DataSource>().AsNoTracking().OrderBy(d => d.Name)
                .Select(d => new TreeSource(d.Id, d.Name, d.IsEnabled)).ToListAsync(ct);
        }
    }

    public async Task<IReadOnlyList<TreeSchema>> GetSchemasAsync(Guid sourceId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var counts = await db.Set<CatalogTable>().AsNoTracking().Where(t => t.DataSourceId == sourceId)
                .GroupBy(t => t.SchemaName).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
            var names = await db.Set<CatalogSchema>().AsNoTracking().Where(s => s.DataSourceId == sourceId).Select(s => s.Name).ToListAsync(ct);
            return [.. names.Union(counts.Keys).Order(StringComparer.Ordinal).Select(n => new TreeSchema(n, counts.GetValueOrDefault(n)))];
        }
    }

    public async Task<IReadOnlyList<TreeTable>> GetTablesAsync(Guid sourceId, string schema, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await (from t in db.Set<CatalogTable>().AsNoTracking()
                          join d in db.Set<DataSource>() on t.DataSourceId equals d.Id
                          where t.DataSourceId == sourceId && t.SchemaName == schema
                          orderby t.Name
                          select new TreeTable(t.Id, d.Id, d.Name, t.SchemaName, t.Name, t.Kind)).ToListAsync(ct);
        }
    }

    /// <summary>Tables whose name contains <paramref name="filter"/>, for the tree's filter box.</summary>
    public async Task<IReadOnlyList<TreeTable>> FilterTablesAsync(string filter, int limit = 200, CancellationToken ct = default)
    {
        var pattern = "%" + EscapeLike(filter.Trim().ToLowerInvariant()) + "%";
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await (from t in db.Set<CatalogTable>().AsNoTracking()
                          join d in db.Set<DataSource>() on t.DataSourceId equals d.Id
                          where EF.Functions.Like(t.Name.ToLower(), pattern, LikeEscape)
                          orderby d.Name, t.SchemaName, t.Name
                          select new TreeTable(t.Id, d.Id, d.Name, t.SchemaName, t.Name, t.Kind)).Take(limit).ToListAsync(ct);
        }
    }

    /// <summary>
    /// Searches table and column names, comments, descriptions and tags across the workspace's sources. Ranked:
    /// exact name (0), then name prefix (1), then name contains (2), then a match elsewhere (3); shorter names first.
    /// Exact and prefix matches come from a btree index on lower(name); "contains" matches (from three characters
    /// on, through the trigram index on the search text) are only looked up when the first tiers leave room.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit = 30, CancellationToken ct = default)
    {
        var q = query.Trim().ToLowerInvariant();
        if (q.Length == 0)
        {
            return [];
        }

        var escaped = EscapeLike(q);
        var contains = "%" + escaped + "%";
        var prefix = escaped + "%";
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var tables = db.Set<CatalogTable>().AsNoTracking();
            var columns = db.Set<CatalogColumn>().AsNoTracking();
            var sources = db.Set<DataSource>().AsNoTracking();
            var hits = new List<SearchHit>();
            hits.AddRange(await (from t in tables
                                 join d in sources on t.DataSourceId equals d.Id
                                 where EF.Functions.Like(t.Name.ToLower(), prefix, LikeEscape)
                                 let rank = t.Name.ToLower() == q ? 0 : 1
                                 orderby rank, t.Name.Length, t.Name
                                 select new SearchHit(t.Id, d.Name, t.SchemaName, t.Name, t.Kind, null, null, t.Comment, t.Description, t.Tags, rank))
                .Take(limit).ToListAsync(ct));
            hits.AddRange(await WithTables(db, await (from c in columns
                                                      where EF.Functions.Like(c.Name.ToLower(), prefix, LikeEscape)
                                                      let rank = c.Name.ToLower() == q ? 0 : 1
                                                      orderby rank, c.Name.Length, c.Name
                                                      select new ColumnMatch(c.TableId, c.Name, c.DataType, c.Comment, c.Description, c.Tags, rank))
                .Take(limit).ToListAsync(ct), ct));

            if (q.Length >= 3 && hits.Count < limit)
            {
                var room = limit - hits.Count;
                hits.AddRange(await (from t in tables
                                     join d in sources on t.DataSourceId equals d.Id
                                     where EF.Functions.Like(t.SearchText, contains, LikeEscape) && !EF.Functions.Like(t.Name.ToLower(), prefix, LikeEscape)
                                     let rank = EF.Functions.Like(t.Name.ToLower(), contains, LikeEscape) ? 2 : 3
                                     orderby rank, t.Name.Length, t.Name
                                     select new SearchHit(t.Id, d.Name, t.SchemaName, t.Name, t.Kind, null, null, t.Comment, t.Description, t.Tags, rank))
                    .Take(room).ToListAsync(ct));
                hits.AddRange(await WithTables(db, await (from c in columns
                                                          where EF.Functions.Like(c.SearchText, contains, LikeEscape) && !EF.Functions.Like(c.Name.ToLower(), prefix, LikeEscape)
                                                          let rank = EF.Functions.Like(c.Name.ToLower(), contains, LikeEscape) ? 2 : 3
                                                          orderby rank, c.Name.Length, c.Name
                                                          select new ColumnMatch(c.TableId, c.Name, c.DataType, c.Comment, c.Description, c.Tags, rank))
                    .Take(room).ToListAsync(ct), ct));
            }

            return [.. hits.OrderBy(h => h.Rank).ThenBy(h => (h.Column ?? h.Table).Length)
                .ThenBy(h => h.Column is null ? 0 : 1).ThenBy(h => h.Column ?? h.Table, StringComparer.Ordinal).Take(limit)];
        }
    }

    private sealed record ColumnMatch(Guid TableId, string Name, string DataType, string? Comment, string? Description, IReadOnlyList<string> Tags, int Rank);

    /// <summary>
    /// Adds table and source to column matches found on their own: matching first and joining the few hits after
    /// keeps the planner on the name and trigram indexes instead of probing every table's columns.
    /// </summary>
    private static async Task<IEnumerable<SearchHit>> WithTables(AllDataDbContext db, List<ColumnMatch> matches, CancellationToken ct)
    {
        var ids = matches.Select(m => m.TableId).Distinct().ToList();
        var tables = await (from t in db.Set<CatalogTable>().AsNoTracking()
                            join d in db.Set<DataSource>() on t.DataSourceId equals d.Id
                            where ids.Contains(t.Id)
                            select new { t.Id, Source = d.Name, t.SchemaName, t.Name, t.Kind }).ToDictionaryAsync(t => t.Id, ct);
        return matches.Where(m => tables.ContainsKey(m.TableId)).Select(m => tables[m.TableId] is var t
            ? new SearchHit(t.Id, t.Source, t.SchemaName, t.Name, t.Kind, m.Name, m.DataType, m.Comment, m.Description, m.Tags, m.Rank)
            : null!);
    }

    public async Task<TableDetails> GetTableAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var (table, source, columns) = await Load(db, id, ct);
            var pk = table.PrimaryKey?.Columns.ToHashSet(StringComparer.Ordinal) ?? [];
            var unique = table.UniqueConstraints.SelectMany(u => u.Columns).ToHashSet(StringComparer.Ordinal);
            var fk = table.ForeignKeys.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
            return new TableDetails(table.Id, source.Id, source.Name, table.SchemaName, table.Name, table.Kind, table.Comment,
                table.EstimatedRows, table.TotalBytes, table.Description, table.Tags, table.Owner, table.LastSyncedAt,
                [.. columns.Select(c => new ColumnRow(c.Id, c.Position, c.Name, c.DataType, c.IsNullable, c.Default, c.Generation, c.Comment,
                    c.Description, c.Tags, pk.Contains(c.Name), unique.Contains(c.Name), fk.Contains(c.Name)))],
                table.PrimaryKey, table.UniqueConstraints, table.Indexes);
        }
    }

    public async Task<TableDdl> GetDdlAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var (table, source, columns) = await Load(db, id, ct);
            var snapshot = table.ToSnapshot(columns);
            var connection = new FlinkConnection(source.Host, source.Port, source.Database, source.UserName);
            return new TableDdl(PostgresDdl.Generate(snapshot), FlinkDdl.Jdbc(snapshot, connection), FlinkDdl.PostgresCdc(snapshot, connection));
        }
    }

    public async Task<IReadOnlyList<Relationship>> GetRelationshipsAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
                ?? throw new DomainException("The table is not in the catalog.");
            var referenced = table.ForeignKeys.Select(f => (f.ReferencedSchema, f.ReferencedTable)).Distinct().ToList();
            var schemas = referenced.Select(r => r.ReferencedSchema).Distinct().ToList();
            var names = referenced.Select(r => r.ReferencedTable).Distinct().ToList();
            var targets = await db.Set<CatalogTable>().AsNoTracking()
                .Where(t => t.DataSourceId == table.DataSourceId && schemas.Contains(t.SchemaName) && names.Contains(t.Name))
                .Select(t => new { t.Id, t.SchemaName, t.Name }).ToListAsync(ct);
            var result = table.ForeignKeys.Select(f => new Relationship(RelationshipDirection.Outgoing, f.Name, f.Columns,
                targets.FirstOrDefault(t => t.SchemaName == f.ReferencedSchema && t.Name == f.ReferencedTable)?.Id,
                f.ReferencedSchema, f.ReferencedTable, f.ReferencedColumns)).ToList();

            var pattern = CatalogJson.Write(new[] { new { ReferencedSchema = table.SchemaName, ReferencedTable = table.Name } });
            var incoming = await db.Set<CatalogTable>()
                .FromSqlInterpolated($"SELECT * FROM catalog_tables WHERE foreign_keys @> {pattern}::jsonb")
                .AsNoTracking().Where(t => t.DataSourceId == table.DataSourceId).ToListAsync(ct);
            result.AddRange(incoming.SelectMany(t => t.ForeignKeys
                .Where(f => f.ReferencedSchema == table.SchemaName && f.ReferencedTable == table.Name)
                .Select(f => new Relationship(RelationshipDirection.Incoming, f.Name, f.ReferencedColumns, t.Id, t.SchemaName, t.Name, f.Columns))));
            return result;
        }
    }

    public async Task<IReadOnlyList<TableChangeRow>> GetChangesAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
                ?? throw new DomainException("The table is not in the catalog.");
            return await db.Set<CatalogChange>().AsNoTracking()
                .Where(c => c.DataSourceId == table.DataSourceId && c.SchemaName == table.SchemaName && c.TableName == table.Name)
                .OrderByDescending(c => c.At).ThenBy(c => c.ColumnName)
                .Select(c => new TableChangeRow(c.At, c.Kind, c.ColumnName, c.Aspects, c.Before, c.After)).ToListAsync(ct);
        }
    }

    public async Task AnnotateTableAsync(Guid id, string? description, IEnumerable<string>? tags, string? owner, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var table = await db.Set<CatalogTable>().FirstOrDefaultAsync(t => t.Id == id, ct)
                ?? throw new DomainException("The table is not in the catalog.");
            table.Annotate(description, tags, owner);
            await db.SaveChangesAsync(ct);
        }
    }

    public async Task AnnotateColumnAsync(Guid columnId, string? description, IEnumerable<string>? tags, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var column = await db.Set<CatalogColumn>().FirstOrDefaultAsync(c => c.Id == columnId, ct)
                ?? throw new DomainException("The column is not in the catalog.");
            column.Annotate(description, tags);
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The first 100 rows, read in a READ ONLY transaction under a statement timeout.</summary>
    public async Task<PreviewResult> PreviewAsync(Guid id, CancellationToken ct = default)
    {
        var (source, snapshot) = await SourceOf(id, ct);
        return await readers.For(source.Kind).PreviewAsync(secrets.ConnectionOf(source), snapshot, PreviewRows, ct);
    }

    /// <summary>Null %, distinct count, min and max of every column, in one query against the source.</summary>
    public async Task<IReadOnlyList<ColumnProfile>> ProfileAsync(Guid id, IProgress<ProfileProgress>? progress = null, CancellationToken ct = default)
    {
        var (source, snapshot) = await SourceOf(id, ct);
        return await readers.For(source.Kind).ProfileAsync(secrets.ConnectionOf(source), snapshot, progress, ct);
    }

    private async Task<(DataSource Source, TableSnapshot Table)> SourceOf(Guid id, CancellationToken ct)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var (table, source, columns) = await Load(db, id, ct);
            source.EnsureEnabled();
            return (source, table.ToSnapshot(columns));
        }
    }

    private static async Task<(CatalogTable Table, DataSource Source, List<CatalogColumn> Columns)> Load(AllDataDbContext db, Guid id, CancellationToken ct)
    {
        var table = await db.Set<CatalogTable>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct)
            ?? throw new DomainException("The table is not in the catalog.");
        var source = await db.Set<DataSource>().AsNoTracking().FirstAsync(d => d.Id == table.DataSourceId, ct);
        var columns = await db.Set<CatalogColumn>().AsNoTracking().Where(c => c.TableId == id).OrderBy(c => c.Position).ToListAsync(ct);
        return (table, source, columns);
    }

    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
