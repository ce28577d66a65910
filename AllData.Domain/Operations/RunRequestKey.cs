using AllData.Domain.Common;

namespace AllData.Domain.Operations;

/// <summary>
/// A client's <c>Idempotency-Key</c> for starting a run: the first request with a key claims it and records the run it
/// started, so a retry with the same key gets that run instead of a second one, on any instance.
/// </summary>
public sealed class RunRequestKey : IWorkspaceOwned
{
    public const int MaxKeyLength = 200;
    public const int FingerprintLength = 64;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private RunRequestKey()
    {
        Key = string.Empty;
        Fingerprint = string.Empty;
    }

    public RunRequestKey(Guid workspaceId, string key, string fingerprint, DateTimeOffset createdAt)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
        {
            throw new DomainException($"An Idempotency-Key has 1 to {MaxKeyLength} characters.");
        }

        WorkspaceId = workspaceId;
        Key = key;
        Fingerprint = fingerprint;
        CreatedAt = createdAt;
    }

    public Guid WorkspaceId { get; private set; }

    public string Key { get; private set; }

    /// <summary>A hash of what was asked (job, version, parameters): the same key with a different request is refused.</summary>
    public string Fingerprint { get; private set; }

    /// <summary>The run the first request started; null while it is being started.</summary>
    public Guid? RunId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public void Started(Guid runId) => RunId = runId;
}
