using System.Text.RegularExpressions;
using AllData.Domain.Common;

namespace AllData.Domain.Jobs;

/// <summary>Name rules shared by folders, jobs and variables.</summary>
public static partial class JobNames
{
    public const int MaxNameLength = 120;
    public const int MaxVariableNameLength = 100;
    public const int MaxVariableValueLength = 4000;

    /// <summary>A folder or job name: trimmed, not empty, no slash (paths use it), at most <see cref="MaxNameLength"/>.</summary>
    public static string ValidateName(string? name, string what)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException($"A {what} needs a name.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new DomainException($"A {what} name has at most {MaxNameLength} characters.");
        }

        if (trimmed.Contains('/', StringComparison.Ordinal))
        {
            throw new DomainException($"A {what} name cannot contain '/'.");
        }

        return trimmed;
    }

    /// <summary>
    /// A variable name usable as <c>${name}</c>: a letter or <c>_</c>, then letters, digits, <c>_</c> or <c>.</c>
    /// (the same rule <see cref="Studio.SqlScript"/> reads references with).
    /// </summary>
    public static string ValidateVariableName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new DomainException("A variable needs a name.");
        }

        if (trimmed.Length > MaxVariableNameLength)
        {
            throw new DomainException($"A variable name has at most {MaxVariableNameLength} characters.");
        }

        if (!VariableName().IsMatch(trimmed))
        {
            throw new DomainException($"'{trimmed}' is not a valid variable name: start with a letter or '_', then letters, digits, '_' or '.'.");
        }

        return trimmed;
    }

    public static string ValidateVariableValue(string? value)
    {
        var text = value ?? string.Empty;
        if (text.Length > MaxVariableValueLength)
        {
            throw new DomainException($"A variable value has at most {MaxVariableValueLength} characters.");
        }

        return text;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_.]*$", RegexOptions.CultureInvariant)]
    private static partial Regex VariableName();
}
