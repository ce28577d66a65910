using System.Collections.Immutable;
using AllData.Domain.Operations;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Operations;

/// <summary>Something that happened in a workspace that open screens should show at once.</summary>
public abstract record LiveEvent(Guid WorkspaceId);

/// <summary>A run moved to <see cref="Status"/>. Small on purpose: screens re-read details when they need them.</summary>
public sealed record RunStatusChanged(
    Guid WorkspaceId, Guid RunId, Guid JobId, RunStatus Status, RunStatus? Previous, DateTimeOffset At, string? Reason)
    : LiveEvent(WorkspaceId);

/// <summary>New lines at the end of a run's log.</summary>
public sealed record RunLogAppended(Guid WorkspaceId, Guid RunId, IReadOnlyList<RunLogEntry> Lines) : LiveEvent(WorkspaceId);

public sealed record RunLogEntry(long Sequence, DateTimeOffset At, RunLogLevel Level, string Text);

/// <summary>Publishes live events to everything in this process that listens (Blazor circuits, the SignalR bridge).</summary>
public interface ILiveEvents
{
    void Publish(LiveEvent e);

    /// <summary>Listens to every event until the returned handle is disposed. Handlers must be quick and never throw.</summary>
    IDisposable Subscribe(Func<LiveEvent, ValueTask> handler);
}

/// <summary>
/// The in-process event bus. Publishing never blocks the publisher (a tracker, an engine): each subscriber is
/// called on the thread pool, and a failing subscriber is logged and skipped.
/// </summary>
internal sealed class LiveEventBus(ILogger<LiveEventBus> logger) : ILiveEvents
{
    private ImmutableArray<Func<LiveEvent, ValueTask>> _handlers = [];

    public void Publish(LiveEvent e)
    {
        foreach (var handler in _handlers)
        {
            _ = DeliverAsync(handler, e);
        }
    }

    public IDisposable Subscribe(Func<LiveEvent, ValueTask> handler)
    {
        ImmutableInterlocked.Update(ref _handlers, h => h.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref _handlers, h => h.Remove(handler)));
    }

    private async Task DeliverAsync(Func<LiveEvent, ValueTask> handler, LiveEvent e)
    {
        try
        {
            await Task.Yield();
            await handler(e);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A live-event subscriber failed on {EventType}", e.GetType().Name);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
