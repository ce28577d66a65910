using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Jobs;

/// <summary>The values a run substitutes, and the secret ones to hide in its log.</summary>
public sealed record ResolvedVariables(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> SecretValues);

/// <summary>A script ready to execute: the parsed text, the statements picked, substituted, and the variables used.</summary>
/// <param name="Picked">The statements chosen, as written (positions point into the text).</param>
/// <param name="Statements">The same statements with <c>${variables}</c> substituted.</param>
public sealed record PreparedScript(SqlScript Script, IReadOnlyList<SqlStatement> Picked, IReadOnlyList<SqlStatement> Statements, ResolvedVariables Variables);

/// <summary>Encrypts secret workspace variable values at rest with ASP.NET Data Protection.</summary>
internal sealed class VariableSecrets(Secrets secrets)
{
    private const string Purpose = "AllData.Studio.WorkspaceVariable.v1";

    public string Protect(string value) => secrets.Protect(Purpose, value);

    public string Unprotect(string stored) => secrets.Unprotect(Purpose, stored);

    /// <summary>
    /// Workspace variables overlaid with the job's own, then with the run's parameters (later ones win); works for no
    /// user (the orchestrator).
    /// </summary>
    public ResolvedVariables Resolve(IEnumerable<WorkspaceVariable> workspaceVariables, IReadOnlyDictionary<string, string> jobVariables,
        IReadOnlyDictionary<string, string>? parameters = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> hidden = [];
        foreach (var variable in workspaceVariables)
        {
            var value = variable.IsSecret ? Unprotect(variable.StoredValue) : variable.StoredValue;
            values[variable.Name] = value;
            if (variable.IsSecret && value.Length > 0)
            {
                hidden.Add(value);
            }
        }

        foreach (var (name, value) in jobVariables)
        {
            values[name] = value;
        }

        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return new ResolvedVariables(values, hidden);
    }
}

/// <summary>
/// The one way a script is made ready to execute, for runs, previews and explains alike: load the workspace's
/// variables, resolve the secret ones, parse, pick the statements, substitute. A problem with the text (an undefined
/// variable, an unterminated literal) throws <see cref="SqlScriptException"/> with its position, before anything runs.
/// </summary>
internal sealed class ScriptPreparation(VariableSecrets secrets)
{
    /// <summary>Workspace variables (read through <paramref name="db"/>, whose workspace filter applies) overlaid with the job's and the run's.</summary>
    public async Task<ResolvedVariables> ResolveAsync(AllDataDbContext db, IReadOnlyDictionary<string, string> jobVariables,
        IReadOnlyDictionary<string, string>? parameters, CancellationToken ct)
    {
        var workspaceVariables = await db.Set<WorkspaceVariable>().AsNoTracking().ToListAsync(ct);
        return secrets.Resolve(workspaceVariables, jobVariables, parameters);
    }

    /// <summary>Parses <paramref name="text"/>, picks statements with <paramref name="pick"/>, substitutes the variables.</summary>
    public static PreparedScript Prepare(string text, SqlDialect dialect, ResolvedVariables variables, Func<SqlScript, IReadOnlyList<SqlStatement>> pick)
    {
        var script = SqlScript.Parse(text, dialect);
        var picked = pick(script);
        var statements = picked.Count == 0 ? [] : script.Substitute(picked, variables.Values);
        return new PreparedScript(script, picked, statements, variables);
    }

    /// <summary>Statements overlapping [start, end) when the range is not empty, else the one at <paramref name="start"/>; null picks all.</summary>
    public static IReadOnlyList<SqlStatement> InRange(SqlScript script, int? start, int? end) =>
        start is not { } from ? script.Statements
        : end is { } to && to > from ? script.StatementsIn(from, to)
        : script.StatementAt(from) is { } one ? [one] : [];
}
