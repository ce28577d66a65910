using AllData.Domain.Common;

namespace AllData.Domain.Jobs;

/// <summary>
/// A variable every job of the workspace can use as <c>${name}</c>. A secret one's <see cref="StoredValue"/> is
/// ciphertext (the store protects it); it is masked in the UI and replaced by <c>***</c> in run logs.
/// </summary>
public sealed class WorkspaceVariable : IWorkspaceOwned
{
    public const int MaxStoredValueLength = 16_000;
    public const string Mask = "••••";
    public const string LogMask = "***";

    private WorkspaceVariable()
    {
        Name = string.Empty;
        StoredValue = string.Empty;
        UpdatedBy = string.Empty;
    }

    /// <param name="storedValue">The value as stored: plain text, or the protected form when <paramref name="isSecret"/>.</param>
    public WorkspaceVariable(Guid workspaceId, string name, string storedValue, bool isSecret, string by, DateTimeOffset at)
    {
        Id = Guid.CreateVersion7(at);
        WorkspaceId = workspaceId;
        Name = JobNames.ValidateVariableName(name);
        SetValue(storedValue, isSecret, by, at);
        UpdatedBy = by;
        StoredValue ??= string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public string StoredValue { get; private set; }

    public bool IsSecret { get; private set; }

    public string UpdatedBy { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public void Rename(string name, string by, DateTimeOffset at)
    {
        Name = JobNames.ValidateVariableName(name);
        UpdatedBy = by;
        UpdatedAt = at;
    }

    public void SetValue(string storedValue, bool isSecret, string by, DateTimeOffset at)
    {
        if (storedValue.Length > MaxStoredValueLength)
        {
            throw new DomainException("The variable's value is too long.");
        }

        StoredValue = storedValue;
        IsSecret = isSecret;
        UpdatedBy = by;
        UpdatedAt = at;
    }
}
