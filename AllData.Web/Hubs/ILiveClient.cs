using AllData.Infrastructure.Operations;

namespace AllData.Web.Hubs;

/// <summary>What the live hub pushes to a client.</summary>
public interface ILiveClient
{
    /// <summary>Coalesced status changes of runs in a workspace the connection joined (latest state per run).</summary>
    Task RunStatus(IReadOnlyList<LiveRunStatus> changes);

    /// <summary>New log lines of a run the connection watches, batched; <see cref="LiveLogBatch.Skipped"/> counts lines dropped for a slow client.</summary>
    Task RunLog(LiveLogBatch batch);
}

public static class LiveGroups
{
    public static string Workspace(Guid workspaceId) => $"ws:{workspaceId:N}";
}
