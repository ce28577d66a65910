using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>Workspace variables. Viewers list them (secret values never leave the server); Developers change them.</summary>
internal sealed class VariableService(AppDb appDb, WorkspaceContext workspace, VariableSecrets secrets, TimeProvider clock)
{
    public async Task<IReadOnlyList<WorkspaceVariableRow>> ListAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var variables = await db.Set<WorkspaceVariable>().AsNoTracking().OrderBy(v => v.Name).ToListAsync(ct);
        return [.. variables.Select(v => new WorkspaceVariableRow(v.Id, v.Name, v.IsSecret ? null : v.StoredValue, v.IsSecret, v.UpdatedBy, v.UpdatedAt))];
    }

    /// <summary>
    /// Creates or changes the variable called <paramref name="name"/>. For a secret that exists, a null
    /// <paramref name="value"/> keeps the stored one (the UI never has it to send back).
    /// </summary>
    public async Task SetAsync(string name, string? value, bool isSecret, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change variables");
        var validName = JobNames.ValidateVariableName(name);
        var by = await workspace.UserNameAsync(ct);
        var at = clock.GetUtcNow();
        var existing = await db.Set<WorkspaceVariable>().FirstOrDefaultAsync(v => v.Name == validName, ct);
        string plain;
        if (value is null)
        {
            plain = existing is null ? string.Empty : existing.IsSecret ? secrets.Unprotect(existing.StoredValue) : existing.StoredValue;
        }
        else
        {
            plain = JobNames.ValidateVariableValue(value);
        }

        var stored = isSecret ? secrets.Protect(plain) : plain;
        if (existing is null)
        {
            db.Add(new WorkspaceVariable(access.WorkspaceId, validName, stored, isSecret, by, at));
        }
        else
        {
            existing.SetValue(stored, isSecret, by, at);
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task RenameAsync(Guid id, string name, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "change variables");
        var variable = await db.Set<WorkspaceVariable>().FirstOrDefaultAsync(v => v.Id == id, ct)
                       ?? throw new DomainException("That variable no longer exists.");
        variable.Rename(name, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        if (await db.Set<WorkspaceVariable>().AnyAsync(v => v.Name == variable.Name && v.Id != id, ct))
        {
            throw new DomainException($"A variable called '{variable.Name}' already exists.");
        }

        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete variables");
        await db.Set<WorkspaceVariable>().Where(v => v.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Names of the workspace variables, for editor completion.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<WorkspaceVariable>().AsNoTracking().OrderBy(v => v.Name).Select(v => v.Name).ToListAsync(ct);
    }
}
