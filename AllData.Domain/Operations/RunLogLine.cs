using AllData.Domain.Common;

namespace AllData.Domain.Operations;

/// <summary>One line of a run's log. Append-only: keyed by (run, sequence), never updated.</summary>
public sealed class RunLogLine : IWorkspaceOwned
{
    private RunLogLine()
    {
        Text = string.Empty;
    }

    /// <param name="sequence">1-based, increasing per run; the writer of the run's log hands them out.</param>
    public RunLogLine(Guid workspaceId, Guid runId, long sequence, DateTimeOffset at, RunLogLevel level, string text)
    {
        if (sequence < 1)
        {
            throw new DomainException("A log line's sequence number starts at 1.");
        }

        if (!Enum.IsDefined(level))
        {
            throw new DomainException($"'{level}' is not a log level.");
        }

        WorkspaceId = workspaceId;
        RunId = runId;
        Sequence = sequence;
        At = at;
        Level = level;
        Text = text ?? string.Empty;
    }

    public Guid WorkspaceId { get; private set; }

    public Guid RunId { get; private set; }

    public long Sequence { get; private set; }

    public DateTimeOffset At { get; private set; }

    public RunLogLevel Level { get; private set; }

    public string Text { get; private set; }
}
