using System.Collections.Immutable;
using System.Threading.Channels;
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
/// The in-process event bus. Publishing never blocks the publisher (a tracker, an engine): each subscriber has its own
/// queue drained on the thread pool, so it sees events in the order they were published (a run's Submitting before its
/// Running), and a failing subscriber is logged and skipped.
/// </summary>
internal sealed class LiveEventBus(ILogger<LiveEventBus> logger) : ILiveEvents
{
    private ImmutableArray<Subscriber> _subscribers = [];

    public void Publish(LiveEvent e)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Queue.Writer.TryWrite(e);
        }
    }

    public IDisposable Subscribe(Func<LiveEvent, ValueTask> handler)
    {
        var subscriber = new Subscriber(handler, Channel.CreateUnbounded<LiveEvent>(new UnboundedChannelOptions { SingleReader = true }));
        ImmutableInterlocked.Update(ref _subscribers, s => s.Add(subscriber));
        _ = PumpAsync(subscriber);
        return new Subscription(() =>
        {
            ImmutableInterlocked.Update(ref _subscribers, s => s.Remove(subscriber));
            subscriber.Queue.Writer.TryComplete();
        });
    }

    private async Task PumpAsync(Subscriber subscriber)
    {
        await Task.Yield();
        var reader = subscriber.Queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var e))
            {
                try
                {
                    await subscriber.Handler(e);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "A live-event subscriber failed on {EventType}", e.GetType().Name);
                }
            }
        }
    }

    private sealed record Subscriber(Func<LiveEvent, ValueTask> Handler, Channel<LiveEvent> Queue);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
