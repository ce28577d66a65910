using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Catalog;

/// <summary>What the register/edit form sends. An empty <see cref="Password"/> keeps the stored one on edit.</summary>
public sealed record DataSourceInput
{
    public string Name { get; init; } = string.Empty;

    public DataSourceKind Kind { get; init; } = DataSourceKind.PostgreSql;

    public string Host { get; init; } = string.Empty;

    public int Port { get; init; } = 5432;

    public string Database { get; init; } = string.Empty;

    public string UserName { get; init; } = string.Empty;

    public string? Password { get; init; }

    public DataSourceSslMode SslMode { get; init; } = DataSourceSslMode.Prefer;

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public DataSourceSettings ToSettings() => new(Name, Kind, Host, Port, Database, UserName, SslMode, Options);
}

/// <summary>A source for the edit form: its settings and whether it has a password, never the password.</summary>
public sealed record DataSourceForEdit(Guid Id, DataSourceInput Input, bool HasPassword);

public sealed record DataSourceSummary(
    Guid Id,
    string Name,
    DataSourceKind Kind,
    string Host,
    int Port,
    string Database,
    string UserName,
    bool IsEnabled,
    int Tables,
    DateTimeOffset? LastSyncAt,
    SyncStatus? LastSyncStatus,
    string? LastSyncError);

/// <summary>What deleting a source takes with it.</summary>
public sealed record DataSourceDependents(int Tables, int Columns, int SyncRuns, int Changes);

public sealed record DataSourceCreated(Guid Id, CatalogSyncResult Sync);

public sealed record SyncRunSummary(
    Guid Id,
    DateTimeOffset StartedAt,
    TimeSpan? Duration,
    SyncStatus Status,
    int Tables,
    int Columns,
    int TablesAdded,
    int TablesRemoved,
    int ColumnsAdded,
    int ColumnsRemoved,
    int ColumnsChanged,
    int QueryCount,
    string? Error);

public sealed record SyncChangeRow(DateTimeOffset At, CatalogChangeKind Kind, string Schema, string Table, string? Column,
    ColumnAspects Aspects, string? Before, string? After);

/// <summary>Registers, edits, tests, syncs and deletes the data sources of the acting user's workspace.</summary>
internal sealed class DataSourceService(
    AppDb appDb, DataSourceSecrets secrets, CatalogReaders readers, CatalogSyncService sync, TimeProvider clock,
    ILogger<DataSourceService> logger)
{
    public async Task<IReadOnlyList<DataSourceSummary>> ListAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<DataSource>().AsNoTracking().OrderBy(d => d.Name)
                .Select(d => new
                {
                    Source = d,
                    Tables = db.Set<CatalogTable>().Count(t => t.DataSourceId == d.Id),
                    Last = db.Set<CatalogSyncRun>().Where(r => r.DataSourceId == d.Id).OrderByDescending(r => r.StartedAt).FirstOrDefault(),
                })
                .Select(x => new DataSourceSummary(x.Source.Id, x.Source.Name, x.Source.Kind, x.Source.Host, x.Source.Port, x.Source.Database,
                    x.Source.UserName, x.Source.IsEnabled, x.Tables, x.Last == null ? null : x.Last.StartedAt,
                    x.Last == null ? null : x.Last.Status, x.Last == null ? null : x.Last.Error))
                .ToListAsync(ct);
        }
    }

    public async Task<DataSourceForEdit> GetForEditAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var d = await Find(db, id, ct, tracking: false);
            return new DataSourceForEdit(d.Id, new DataSourceInput
            {
                Name = d.Name,
                Kind = d.Kind,
                Host = d.Host,
                Port = d.Port,
                Database = d.Database,
                UserName = d.UserName,
                SslMode = d.SslMode,
                Options = d.Options,
            }, d.HasPassword);
        }
    }

    /// <summary>Registers a source and syncs its catalog right away (a failed sync is recorded, the source stays).</summary>
    public async Task<DataSourceCreated> CreateAsync(DataSourceInput input, IProgress<SyncProgress>? progress = null, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        Guid id;
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var source = new DataSource(access.WorkspaceId, input.ToSettings(), secrets.Protect(input.Password), clock.GetUtcNow());
            secrets.ConnectionOf(source).ToNpgsql();
            await EnsureUniqueName(db, source.Name, null, ct);
            db.Add(source);
            await db.SaveChangesAsync(ct);
            id = source.Id;
            logger.LogInformation("Registered data source {DataSourceId} in workspace {WorkspaceId}", id, access.WorkspaceId);
        }

        return new DataSourceCreated(id, await sync.SyncAsync(access.WorkspaceId, id, progress, ct));
    }

    public async Task UpdateAsync(Guid id, DataSourceInput input, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var source = await Find(db, id, ct);
            source.ChangeSettings(input.ToSettings(), secrets.Protect(input.Password), clock.GetUtcNow());
            secrets.ConnectionOf(source).ToNpgsql();
            await EnsureUniqueName(db, source.Name, id, ct);
            await db.SaveChangesAsync(ct);
        }
    }

    public async Task SetEnabledAsync(Guid id, bool enabled, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var source = await Find(db, id, ct);
            if (enabled)
            {
                source.Enable(clock.GetUtcNow());
            }
            else
            {
                source.Disable(clock.GetUtcNow());
            }

            await db.SaveChangesAsync(ct);
        }
    }

    public async Task<DataSourceDependents> GetDependentsAsync(Guid id, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            await Find(db, id, ct, tracking: false);
            return new DataSourceDependents(
                await db.Set<CatalogTable>().CountAsync(t => t.DataSourceId == id, ct),
                await db.Set<CatalogColumn>().CountAsync(c => c.DataSourceId == id, ct),
                await db.Set<CatalogSyncRun>().CountAsync(r => r.DataSourceId == id, ct),
                await db.Set<CatalogChange>().CountAsync(c => c.DataSourceId == id, ct));
        }
    }

    /// <summary>Deletes the source with its catalog and history.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            var source = await Find(db, id, ct);
            db.Remove(source);
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Deleted data source {DataSourceId}", id);
        }
    }

    /// <summary>
    /// Tests the settings in the form; an empty password with <paramref name="existingId"/> uses the stored password.
    /// </summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(DataSourceInput input, Guid? existingId = null, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            access.Require(WorkspaceRole.Developer, "edit data sources");
            string? password = input.Password;
            if (string.IsNullOrEmpty(password) && existingId is { } id)
            {
                password = secrets.ConnectionOf(await Find(db, id, ct, tracking: false)).Password;
            }

            DataSourceSettings settings;
            try
            {
                settings = input.ToSettings();
                _ = new DataSource(access.WorkspaceId, settings, null, clock.GetUtcNow());
            }
            catch (DomainException e)
            {
                return ConnectionTestResult.Failed(ConnectionFailure.InvalidSettings, e.Message);
            }

            var connection = new SourceConnection(settings.Kind, settings.Host.Trim(), settings.Port, settings.Database.Trim(),
                settings.UserName.Trim(), password, settings.SslMode, DataSource.ValidateOptions(settings.Options ?? new Dictionary<string, string>()));
            return await readers.For(settings.Kind).TestConnectionAsync(connection, ct);
        }
    }

    public async Task<CatalogSyncResult> SyncAsync(Guid id, IProgress<SyncProgress>? progress = null, CancellationToken ct = default)
    {
        var access = await RequireAsync(WorkspaceRole.Developer, ct);
        return await sync.SyncAsync(access.WorkspaceId, id, progress, ct);
    }

    public async Task<IReadOnlyList<SyncRunSummary>> GetSyncHistoryAsync(Guid id, int take = 50, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            var runs = await db.Set<CatalogSyncRun>().AsNoTracking().Where(r => r.DataSourceId == id)
                .OrderByDescending(r => r.StartedAt).Take(take).ToListAsync(ct);
            return [.. runs.Select(r => new SyncRunSummary(r.Id, r.StartedAt, r.Duration, r.Status, r.TableCount, r.ColumnCount, r.TablesAdded,
                r.TablesRemoved, r.ColumnsAdded, r.ColumnsRemoved, r.ColumnsChanged, r.QueryCount, r.Error))];
        }
    }

    public async Task<IReadOnlyList<SyncChangeRow>> GetSyncChangesAsync(Guid runId, int take = 500, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using (db)
        {
            return await db.Set<CatalogChange>().AsNoTracking().Where(c => c.SyncRunId == runId)
                .OrderBy(c => c.SchemaName).ThenBy(c => c.TableName).ThenBy(c => c.Kind).Take(take)
                .Select(c => new SyncChangeRow(c.At, c.Kind, c.SchemaName, c.TableName, c.ColumnName, c.Aspects, c.Before, c.After))
                .ToListAsync(ct);
        }
    }

    private async Task<WorkspaceAccess> RequireAsync(WorkspaceRole role, CancellationToken ct)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await db.DisposeAsync();
        access.Require(role, "do this");

        return access;
    }

    private static async Task<DataSource> Find(AllDataDbContext db, Guid id, CancellationToken ct, bool tracking = true)
    {
        var query = tracking ? db.Set<DataSource>() : db.Set<DataSource>().AsNoTracking();
        return await query.FirstOrDefaultAsync(d => d.Id == id, ct) ?? throw new DomainException("The data source does not exist.");
    }

    private static async Task EnsureUniqueName(AllDataDbContext db, string name, Guid? except, CancellationToken ct)
    {
        if (await db.Set<DataSource>().AnyAsync(d => d.Name == name && d.Id != except, ct))
        {
            throw new DomainException($"A data source named '{name}' already exists in this workspace.");
        }
    }
}
