namespace AllData.Infrastructure.Operations;

/// <summary>
/// Latest-wins buffering: values posted under the same key within <c>window</c> collapse to the last one, and the
/// survivors are flushed together once the window closes. Used by the SignalR bridge (status events per workspace) and by
/// Blazor pages (one re-render per window however many runs moved).
/// </summary>
public sealed class Coalescer<TKey, TValue> : IAsyncDisposable
    where TKey : notnull
{
    private readonly TimeSpan _window;
    private readonly Func<IReadOnlyList<TValue>, Task> _flush;
    private readonly TimeProvider _clock;
    private readonly Func<TValue, TValue, TValue>? _merge;
    private readonly Lock _gate = new();
    private Dictionary<TKey, TValue> _pending = [];
    private ITimer? _timer;
    private bool _disposed;

    /// <param name="merge">Combines the pending value with a newer one (default: the newer wins).</param>
    public Coalescer(TimeSpan window, Func<IReadOnlyList<TValue>, Task> flush, TimeProvider? clock = null,
        Func<TValue, TValue, TValue>? merge = null)
    {
        _merge = merge;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _window = window;
        _flush = flush;
        _clock = clock ?? TimeProvider.System;
    }

    public void Post(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _pending[key] = _merge is not null && _pending.TryGetValue(key, out var older) ? _merge(older, value) : value;
            _timer ??= _clock.CreateTimer(_ => _ = FlushAsync(), null, _window, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FlushAsync()
    {
        Dictionary<TKey, TValue> batch;
        lock (_gate)
        {
            batch = _pending;
            _pending = [];
            _timer?.Dispose();
            _timer = null;
        }

        if (batch.Count > 0)
        {
            await _flush([.. batch.Values]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ITimer? timer;
        lock (_gate)
        {
            _disposed = true;
            timer = _timer;
            _timer = null;
            _pending = [];
        }

        if (timer is not null)
        {
            await timer.DisposeAsync();
        }
    }
}
