using AllData.Infrastructure.Operations;

namespace AllData.Web.Features.Operations;

/// <summary>
/// A Blazor page's subscription to one workspace's in-process live events, coalesced: however many runs move within
/// <see cref="Window"/>, the page is told once, with the latest status per run. Dispose with the page.
/// </summary>
public sealed class LiveRefresh : IAsyncDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    private readonly IDisposable _subscription;
    private readonly Coalescer<Guid, RunStatusChanged> _statuses;

    public LiveRefresh(ILiveEvents events, Guid workspaceId, Func<IReadOnlyList<RunStatusChanged>, Task> onStatuses,
        Func<RunLogAppended, Task>? onLog = null, Func<LiveEvent, Task>? onOther = null)
    {
        _statuses = new Coalescer<Guid, RunStatusChanged>(Window, onStatuses,
            merge: (older, newer) => newer with { Previous = older.Previous });
        _subscription = events.Subscribe(async e =>
        {
            if (e.WorkspaceId != workspaceId)
            {
                return;
            }

            switch (e)
            {
                case RunStatusChanged s:
                    _statuses.Post(s.RunId, s);
                    break;
                case RunLogAppended log:
                    if (onLog is not null)
                    {
                        await onLog(log);
                    }

                    break;
                default:
                    if (onOther is not null)
                    {
                        await onOther(e);
                    }

                    break;
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _statuses.DisposeAsync();
    }
}
