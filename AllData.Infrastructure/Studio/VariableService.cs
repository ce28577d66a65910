using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>The values a run substitutes, and the secret ones to hide in its log.</summary>
public sealed record ResolvedVariables(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> SecretValues);

/// <summary>Encrypts secret workspace variable values at rest with ASP.NET Data Protection.</summary>
internal sealed class VariableSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("AllData.Studio.WorkspaceVariable.v1");

    public string Protect(string value) => _protector.Protect(value);

    public string Unprotect(string stored) => _protector.Unprotect(stored);

    /// <summary>Workspace variables overlaid with the job's own (job variables win); works for no user (the orchestrator).</summary>
    public ResolvedVariables Resolve(IEnumerable<WorkspaceVariable> workspaceVariables, IReadOnlyDictionary<string, string> jobVariables)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> secrets = [];
        foreach (var variable in workspaceVariables)
        {
            var value = variable.IsSecret ? Unprotect(variable.StoredValue) : variable.StoredValue;
            values[variable.Name] = value;
            if (variable.IsSecret && value.Length > 0)
            {
                secrets.Add(value);
            }
        }

        foreach (var (name, value) in jobVariables)
        {
            values[name] = value;
        }

        return new ResolvedVariables(values, secrets);
    }
}

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
