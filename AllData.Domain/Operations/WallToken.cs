using AllData.Domain.Common;

namespace AllData.Domain.Operations;

/// <summary>
/// A read-only display link for one workspace's monitoring wall (a TV in the team room). Only the hash of the token is
/// kept; a revoked token opens nothing.
/// </summary>
public sealed class WallToken : IWorkspaceOwned
{
    public const int MaxNameLength = 100;
    public const int HashLength = 64;

    private WallToken()
    {
        Name = string.Empty;
        TokenHash = string.Empty;
    }

    public WallToken(Guid workspaceId, string name, string tokenHash, string? createdBy, DateTimeOffset createdAt)
    {
        name = name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new DomainException($"A wall link needs a name of 1 to {MaxNameLength} characters.");
        }

        if (tokenHash is not { Length: HashLength })
        {
            throw new DomainException("A wall link's token hash is a 64-character SHA-256 hex string.");
        }

        Id = Guid.CreateVersion7(createdAt);
        WorkspaceId = workspaceId;
        Name = name;
        TokenHash = tokenHash;
        CreatedBy = JobRun.Clip(createdBy, JobRun.MaxStartedByLength);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid WorkspaceId { get; private set; }

    public string Name { get; private set; }

    public string TokenHash { get; private set; }

    public string? CreatedBy { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public void Revoke(DateTimeOffset at)
    {
        if (RevokedAt is not null)
        {
            throw new DomainException("This wall link is already revoked.");
        }

        RevokedAt = at;
    }
}
