using AllData.Domain.Jobs;
using AllData.Domain.Operations;

namespace AllData.Infrastructure.Operations;

/// <summary>Reports through the <see cref="RunRecorder"/>, replacing secret variable values by <c>***</c> in every line.</summary>
internal sealed class RunReporter(RunRecorder recorder, Guid workspaceId, Guid runId, IReadOnlyList<string> secretValues) : IRunReporter
{
    public Guid RunId => runId;

    public Guid WorkspaceId => workspaceId;

    public Task LogAsync(RunLogLevel level, string text, CancellationToken cancellationToken = default) =>
        recorder.AppendLogAsync(workspaceId, runId, level, Mask(text), cancellationToken);

    public Task<JobRun> TransitionAsync(Action<JobRun, DateTimeOffset> change, CancellationToken cancellationToken = default) =>
        recorder.TransitionAsync(runId, change, cancellationToken);

    public string Mask(string text)
    {
        // Longest first, so a secret containing another is masked whole.
        foreach (var secret in secretValues.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, WorkspaceVariable.LogMask, StringComparison.Ordinal);
        }

        return text;
    }
}
