using AllData.Domain.Operations;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Studio;

namespace AllData.Web.Features.Studio.Components;

/// <summary>
/// The live state of the run a studio tab shows: status, log lines and studio results, kept current from
/// <see cref="ILiveEvents"/>. <see cref="Changed"/> fires on any update (from a thread-pool thread).
/// </summary>
internal sealed class RunWatch(ILiveEvents events, RunService runs) : IDisposable
{
    public const int MaxLogLines = 5000;
    private readonly List<RunLogEntry> _log = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _statusGate = new(1, 1);
    private IDisposable? _subscription;

    public event Func<Task>? Changed;

    public Guid? RunId { get; private set; }

    public RunStatus? Status { get; private set; }

    public string? Error { get; private set; }

    public StudioRunResults? Results { get; private set; }

    public bool IsActive => Status is { } s && !s.IsFinal();

    public IReadOnlyList<RunLogEntry> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts following <paramref name="runId"/> (forgetting the previous run).</summary>
    public async Task FollowAsync(Guid runId)
    {
        _subscription?.Dispose();
        lock (_gate)
        {
            _log.Clear();
        }

        RunId = runId;
        Results = null;
        _subscription = events.Subscribe(OnEventAsync);
        await RefreshStatusAsync(runId);
        var log = await runs.GetLogAsync(runId);
        lock (_gate)
        {
            foreach (var line in log.Where(l => _log.All(x => x.Sequence != l.Sequence)))
            {
                _log.Add(line);
            }

            _log.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        }

        Results = await runs.GetResultsAsync(runId);
        await NotifyAsync();
    }

    private async ValueTask OnEventAsync(LiveEvent e)
    {
        if (RunId is not { } id)
        {
            return;
        }

        switch (e)
        {
            case RunStatusChanged s when s.RunId == id:
                // Events may arrive out of order (each is delivered on its own task): read the stored state instead.
                await RefreshStatusAsync(id);
                break;
            case RunLogAppended l when l.RunId == id:
                lock (_gate)
                {
                    var known = _log.Select(x => x.Sequence).ToHashSet();
                    _log.AddRange(l.Lines.Where(x => !known.Contains(x.Sequence)));
                    _log.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
                    if (_log.Count > MaxLogLines)
                    {
                        _log.RemoveRange(0, _log.Count - MaxLogLines);
                    }
                }

                break;
            case StudioResultsChanged r when r.RunId == id:
                Results ??= await runs.GetResultsAsync(id);
                break;
            default:
                return;
        }

        await NotifyAsync();
    }

    private async Task RefreshStatusAsync(Guid runId)
    {
        await _statusGate.WaitAsync();
        try
        {
            var summary = await runs.GetAsync(runId);
            if (RunId == runId)
            {
                (Status, Error) = (summary.Status, summary.ErrorMessage);
            }
        }
        finally
        {
            _statusGate.Release();
        }
    }

    private Task NotifyAsync() => Changed?.Invoke() ?? Task.CompletedTask;

    public void Dispose()
    {
        _subscription?.Dispose();
        _statusGate.Dispose();
    }
}
