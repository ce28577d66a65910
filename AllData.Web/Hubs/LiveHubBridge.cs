using System.Collections.Concurrent;
using System.Threading.Channels;
using AllData.Infrastructure.Operations;
using Microsoft.AspNetCore.SignalR;

namespace AllData.Web.Hubs;

/// <summary>
/// Forwards in-process live events to hub clients: status changes numbered per workspace and coalesced (latest state per
/// run within <see cref="StatusWindow"/>) to the workspace's group; log lines per watching connection through a bounded
/// queue, sent in batches every <see cref="LogBatchWindow"/>. A slow viewer's queue drops its oldest lines and the next
/// batch says how many were skipped, so server memory stays bounded.
/// </summary>
internal sealed class LiveHubBridge(
    ILiveEvents events, LiveSequence sequence, IHubContext<LiveHub, ILiveClient> hub, TimeProvider clock, ILogger<LiveHubBridge> logger)
    : IHostedService, IAsyncDisposable
{
    public static readonly TimeSpan StatusWindow = TimeSpan.FromMilliseconds(150);
    public static readonly TimeSpan LogBatchWindow = TimeSpan.FromMilliseconds(200);
    public const int LogQueueBound = 2000;
    public const int MaxLinesPerBatch = 500;

    private readonly ConcurrentDictionary<Guid, Coalescer<Guid, LiveRunStatus>> _status = new();
    private readonly ConcurrentDictionary<(string Connection, Guid Run), LogTail> _tails = new();
    private IDisposable? _subscription;

    private TimeProvider Clock => clock;

    private IHubContext<LiveHub, ILiveClient> Hub => hub;

    private ILogger Logger => logger;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe(OnEventAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Watch(string connectionId, Guid runId)
    {
        if (_tails.ContainsKey((connectionId, runId)))
        {
            return;
        }

        var tail = new LogTail(connectionId, runId, this);
        if (!_tails.TryAdd((connectionId, runId), tail))
        {
            tail.Dispose();
        }
    }

    public void Unwatch(string connectionId, Guid runId)
    {
        if (_tails.TryRemove((connectionId, runId), out var tail))
        {
            tail.Dispose();
        }
    }

    public void Forget(string connectionId)
    {
        foreach (var key in _tails.Keys.Where(k => k.Connection == connectionId))
        {
            Unwatch(key.Connection, key.Run);
        }
    }

    /// <summary>Connections tailing logs right now (for tests and the benchmark).</summary>
    public int TailCount => _tails.Count;

    private ValueTask OnEventAsync(LiveEvent e)
    {
        switch (e)
        {
            case RunStatusChanged s:
                var change = new LiveRunStatus(s.WorkspaceId, s.RunId, s.JobId, s.Status, s.Previous, s.At, sequence.Next(s.WorkspaceId));
                _status.GetOrAdd(s.WorkspaceId, ws => new Coalescer<Guid, LiveRunStatus>(
                        StatusWindow, batch => SendStatusAsync(ws, batch), clock, LiveRunStatus.Merge))
                    .Post(s.RunId, change);
                break;
            case RunLogAppended log:
                foreach (var tail in _tails.Values.Where(t => t.RunId == log.RunId))
                {
                    tail.Enqueue(log.Lines);
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    private async Task SendStatusAsync(Guid workspaceId, IReadOnlyList<LiveRunStatus> batch)
    {
        try
        {
            await hub.Clients.Group(LiveGroups.Workspace(workspaceId)).RunStatus([.. batch.OrderBy(b => b.Sequence)]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Sending run status to workspace {WorkspaceId} failed", workspaceId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        foreach (var coalescer in _status.Values)
        {
            await coalescer.DisposeAsync();
        }

        foreach (var tail in _tails.Values)
        {
            tail.Dispose();
        }
    }

    private sealed class LogTail : IDisposable
    {
        private readonly Channel<RunLogEntry> _queue;
        private readonly CancellationTokenSource _stop = new();
        private readonly string _connectionId;
        private readonly LiveHubBridge _bridge;
        private long _skipped;

        public LogTail(string connectionId, Guid runId, LiveHubBridge bridge)
        {
            _connectionId = connectionId;
            RunId = runId;
            _bridge = bridge;
            _queue = Channel.CreateBounded<RunLogEntry>(
                new BoundedChannelOptions(LogQueueBound) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => Interlocked.Increment(ref _skipped));
            _ = PumpAsync();
        }

        public Guid RunId { get; }

        public void Enqueue(IReadOnlyList<RunLogEntry> lines)
        {
            foreach (var line in lines)
            {
                _queue.Writer.TryWrite(line);
            }
        }

        public void Stop()
        {
            _queue.Writer.TryComplete();
            _stop.Cancel();
        }

        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }

        private async Task PumpAsync()
        {
            var ct = _stop.Token;
            var batch = new List<RunLogEntry>(MaxLinesPerBatch);
            try
            {
                while (await _queue.Reader.WaitToReadAsync(ct))
                {
                    await Task.Delay(LogBatchWindow, _bridge.Clock, ct);
                    while (batch.Count < MaxLinesPerBatch && _queue.Reader.TryRead(out var line))
                    {
                        batch.Add(line);
                    }

                    var skipped = Interlocked.Exchange(ref _skipped, 0);
                    await _bridge.Hub.Clients.Client(_connectionId).RunLog(new LiveLogBatch(RunId, [.. batch], skipped));
                    batch.Clear();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _bridge.Logger.LogWarning(ex, "The log tail of run {RunId} to {ConnectionId} stopped", RunId, _connectionId);
            }
        }
    }
}
