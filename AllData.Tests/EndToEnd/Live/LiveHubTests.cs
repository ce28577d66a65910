using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AllData.Tests.EndToEnd.Live;

[Collection(AppCollection.Name)]
public sealed class LiveHubTests(AppFixture app)
{
    private readonly LiveTestKit _kit = new(app);

    [Fact]
    public async Task A_member_of_one_workspace_cannot_join_another_workspace_group()
    {
        var (_, userA) = await _kit.WorkspaceWithMemberAsync();
        var (workspaceB, _) = await _kit.WorkspaceWithMemberAsync();
        await using var client = await _kit.ConnectAsync(userA);

        var error = await Assert.ThrowsAsync<HubException>(() => client.JoinAsync(workspaceB));
        Assert.Contains("not a member", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<LiveSnapshot>("GetSnapshot", workspaceB));
    }

    [Fact]
    public async Task A_member_of_one_workspace_never_receives_another_workspaces_events()
    {
        var (workspaceA, userA) = await _kit.WorkspaceWithMemberAsync();
        var (workspaceB, userB) = await _kit.WorkspaceWithMemberAsync();
        await using var clientA = await _kit.ConnectAsync(userA);
        await using var clientB = await _kit.ConnectAsync(userB);
        await clientA.JoinAsync(workspaceA);
        await clientB.JoinAsync(workspaceB);

        var runB = await _kit.CreateRunAsync(workspaceB);
        await _kit.MoveAsync(runB.Id, (r, at) => r.MarkSubmitting(at));
        var runA = await _kit.CreateRunAsync(workspaceA);
        await _kit.MoveAsync(runA.Id, (r, at) => r.MarkSubmitting(at));

        // B's events were published first: once A has its own run and B has its own, A had every chance to receive B's.
        await LiveTestKit.EventuallyAsync(() => clientA.Changes.Any(c => c.RunId == runA.Id && c.Status == RunStatus.Submitting), "A's run on A's client");
        await LiveTestKit.EventuallyAsync(() => clientB.Changes.Any(c => c.RunId == runB.Id && c.Status == RunStatus.Submitting), "B's run on B's client");
        Assert.All(clientA.Changes, c => Assert.Equal(workspaceA, c.WorkspaceId));
    }

    [Fact]
    public async Task Fifty_rapid_status_changes_of_one_run_arrive_as_few_messages_ending_in_the_last_state()
    {
        var (workspace, user) = await _kit.WorkspaceWithMemberAsync();
        await using var client = await _kit.ConnectAsync(user);
        await client.JoinAsync(workspace);

        var run = await _kit.CreateRunAsync(workspace);
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkSubmitting(at));
        await _kit.MoveAsync(run.Id, (r, at) => r.MarkRunning(at));
        for (var i = 0; i < 23; i++)
        {
            await _kit.MoveAsync(run.Id, (r, at) => r.MarkRestarting(at));
            await _kit.MoveAsync(run.Id, (r, at) => r.MarkRunning(at));
        }

        await _kit.MoveAsync(run.Id, (r, at) => r.MarkFinished(at));

        await LiveTestKit.EventuallyAsync(() => client.Changes.Any(c => c.RunId == run.Id && c.Status == RunStatus.Finished), "the final state");
        var messages = client.Changes.Where(c => c.RunId == run.Id).ToList();
        Assert.InRange(messages.Count, 1, 15);
        Assert.Equal(RunStatus.Finished, messages[^1].Status);
        Assert.Equal(messages.OrderBy(m => m.Sequence).Select(m => m.Sequence), messages.Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_client_that_reconnects_mid_stream_ends_with_the_stored_state_and_counts()
    {
        var (workspace, user) = await _kit.WorkspaceWithMemberAsync();
        var runs = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add((await _kit.CreateRunAsync(workspace)).Id);
        }

        async Task MoveAllAsync(Action<JobRun, DateTimeOffset> change)
        {
            foreach (var id in runs)
            {
                await _kit.MoveAsync(id, change);
            }
        }

        var traffic = Task.Run(async () =>
        {
            await MoveAllAsync((r, at) => r.MarkSubmitting(at));
            await MoveAllAsync((r, at) => r.MarkRunning(at));
            for (var i = 0; i < 5; i++)
            {
                await MoveAllAsync((r, at) => r.MarkRestarting(at));
                await MoveAllAsync((r, at) => r.MarkRunning(at));
            }

            for (var i = 0; i < runs.Count; i++)
            {
                var id = runs[i];
                await _kit.MoveAsync(id, i % 2 == 0 ? (r, at) => r.MarkFinished(at) : (r, at) => r.MarkFailed(at, "boom"));
            }
        });

        // The reconnect: join first, then take the snapshot, then apply only events numbered after it.
        await using var client = await _kit.ConnectAsync(user);
        await client.JoinAsync(workspace);
        var snapshot = await client.Connection.InvokeAsync<LiveSnapshot>("GetSnapshot", workspace);
        await traffic;
        await LiveTestKit.EventuallyAsync(
            () => runs.All(id => client.Changes.Any(c => c.RunId == id && c.Status.IsFinal())
                                 || snapshot.Runs.Any(r => r.RunId == id && r.Status.IsFinal())),
            "the final states");

        var known = snapshot.Runs.ToDictionary(r => r.RunId, r => r.Status);
        var counts = snapshot.Counts.ToDictionary(p => p.Key, p => p.Value);
        foreach (var change in client.Changes.Where(c => c.Sequence > snapshot.Sequence).OrderBy(c => c.Sequence))
        {
            var previous = known.TryGetValue(change.RunId, out var held) ? held : change.Previous;
            if (previous is { } p)
            {
                counts[p] = counts.GetValueOrDefault(p) - 1;
            }

            counts[change.Status] = counts.GetValueOrDefault(change.Status) + 1;
            known[change.RunId] = change.Status;
        }

        await using var db = app.Database.CreateContext(workspace);
        var stored = db.Set<JobRun>().ToDictionary(r => r.Id, r => r.Status);
        Assert.All(runs, id => Assert.Equal(stored[id], known[id]));
        Assert.Equal(stored.Values.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count()), counts.Where(p => p.Value != 0).ToDictionary());
    }
}
