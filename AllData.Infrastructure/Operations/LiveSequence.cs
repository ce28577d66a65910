using System.Collections.Concurrent;

namespace AllData.Infrastructure.Operations;

/// <summary>
/// A monotonically increasing number per workspace, handed to each live event as it is forwarded. A snapshot records the
/// number current when it was read, so a client applies only events numbered after its snapshot: an event numbered at or
/// below it was published (after its commit) before the snapshot was read, so the snapshot already shows it.
/// </summary>
public sealed class LiveSequence
{
    private readonly ConcurrentDictionary<Guid, StrongBox> _counters = new();

    public long Next(Guid workspaceId) => Interlocked.Increment(ref Counter(workspaceId).Value);

    public long Current(Guid workspaceId) => Interlocked.Read(ref Counter(workspaceId).Value);

    private StrongBox Counter(Guid workspaceId) => _counters.GetOrAdd(workspaceId, _ => new StrongBox());

    private sealed class StrongBox
    {
        public long Value;
    }
}
