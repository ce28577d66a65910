using System.Security.Claims;
using AllData.Infrastructure.Operations;
using AllData.Web.Features.Operations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace AllData.Web.Hubs;

/// <summary>
/// The one live hub (<c>/hubs/live</c>). A connection joins only groups of workspaces its user is a member of (or, with a
/// wall token, that token's workspace only); a reconnecting client joins, asks for a snapshot, then applies events numbered
/// after it.
/// </summary>
[Authorize]
internal sealed class LiveHub(LiveAccessService access, LiveSnapshotService snapshots, LiveHubBridge bridge, IOptions<IdentityOptions> identity)
    : Hub<ILiveClient>
{
    public async Task JoinWorkspace(Guid workspaceId)
    {
        await RequireAsync(workspaceId);
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Workspace(workspaceId), Context.ConnectionAborted);
    }

    public Task LeaveWorkspace(Guid workspaceId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, LiveGroups.Workspace(workspaceId), Context.ConnectionAborted);

    public async Task<LiveSnapshot> GetSnapshot(Guid workspaceId)
    {
        await RequireAsync(workspaceId);
        return await snapshots.GetAsync(workspaceId, Context.ConnectionAborted);
    }

    /// <summary>Starts the log tail of a run for this connection (members only; a wall token sees no logs).</summary>
    public async Task WatchRun(Guid runId)
    {
        var workspaceId = await access.WorkspaceOfRunAsync(runId, Context.ConnectionAborted);
        if (workspaceId is null || WallTokenAuthentication.WorkspaceOf(Context.User) is not null)
        {
            throw new HubException("You cannot watch this run.");
        }

        await RequireAsync(workspaceId.Value);
        bridge.Watch(Context.ConnectionId, runId);
    }

    public Task UnwatchRun(Guid runId)
    {
        bridge.Unwatch(Context.ConnectionId, runId);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        bridge.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private async Task RequireAsync(Guid workspaceId)
    {
        if (WallTokenAuthentication.WorkspaceOf(Context.User) is { } wallWorkspace)
        {
            if (wallWorkspace != workspaceId)
            {
                throw new HubException("This wall link opens another workspace.");
            }

            return;
        }

        var userId = Context.User?.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
        if (userId is null || !await access.IsMemberAsync(userId, workspaceId, Context.ConnectionAborted))
        {
            throw new HubException("You are not a member of this workspace.");
        }
    }
}
