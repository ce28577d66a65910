using AllData.Domain.Common;
using AllData.Domain.Operations;

namespace AllData.Tests.Domain.Operations;

public sealed class JobRunTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The table written out by hand, so a change to <see cref="JobRun.Transitions"/> has to be made twice.</summary>
    private static readonly HashSet<(RunStatus From, RunStatus To)> Allowed =
    [
        (RunStatus.Queued, RunStatus.Submitting), (RunStatus.Queued, RunStatus.Canceling), (RunStatus.Queued, RunStatus.Canceled),
        (RunStatus.Queued, RunStatus.Failed),
        (RunStatus.Submitting, RunStatus.Running), (RunStatus.Submitting, RunStatus.Canceling), (RunStatus.Submitting, RunStatus.Canceled),
        (RunStatus.Submitting, RunStatus.Failed), (RunStatus.Submitting, RunStatus.Unknown),
        (RunStatus.Running, RunStatus.Finished), (RunStatus.Running, RunStatus.Failed), (RunStatus.Running, RunStatus.Canceling),
        (RunStatus.Running, RunStatus.Canceled), (RunStatus.Running, RunStatus.Restarting), (RunStatus.Running, RunStatus.Unknown),
        (RunStatus.Canceling, RunStatus.Canceled), (RunStatus.Canceling, RunStatus.Finished), (RunStatus.Canceling, RunStatus.Failed),
        (RunStatus.Canceling, RunStatus.Unknown),
        (RunStatus.Restarting, RunStatus.Submitting), (RunStatus.Restarting, RunStatus.Running), (RunStatus.Restarting, RunStatus.Canceling),
        (RunStatus.Restarting, RunStatus.Canceled), (RunStatus.Restarting, RunStatus.Failed), (RunStatus.Restarting, RunStatus.Unknown),
        (RunStatus.Unknown, RunStatus.Running), (RunStatus.Unknown, RunStatus.Restarting), (RunStatus.Unknown, RunStatus.Canceling),
        (RunStatus.Unknown, RunStatus.Finished), (RunStatus.Unknown, RunStatus.Failed), (RunStatus.Unknown, RunStatus.Canceled),
    ];

    public static TheoryData<RunStatus, RunStatus> AllPairs()
    {
        var data = new TheoryData<RunStatus, RunStatus>();
        foreach (var from in Enum.GetValues<RunStatus>())
        {
            foreach (var to in Enum.GetValues<RunStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Each_transition_is_allowed_exactly_when_the_table_says_so(RunStatus from, RunStatus to)
    {
        var run = RunIn(from);
        var historyBefore = run.History.Count;

        if (Allowed.Contains((from, to)))
        {
            Apply(run, to, T0.AddMinutes(10));
            Assert.Equal(to, run.Status);
            var change = run.History[^1];
            Assert.Equal(historyBefore + 1, run.History.Count);
            Assert.Equal((from, to, T0.AddMinutes(10)), (change.From!.Value, change.To, change.At));
        }
        else
        {
            var error = Assert.Throws<DomainException>(() => Apply(run, to, T0.AddMinutes(10)));
            Assert.Contains(to.ToString(), error.Message, StringComparison.Ordinal);
            Assert.Equal(from, run.Status);
            Assert.Equal(historyBefore, run.History.Count);
        }
    }

    [Fact]
    public void Final_states_allow_nothing_and_unknown_is_never_final()
    {
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            Assert.Equal(status.IsFinal(), JobRun.Transitions[status].Count == 0);
        }

        Assert.False(RunStatus.Unknown.IsFinal());
    }

    [Fact]
    public void Refusal_of_a_finished_run_says_it_is_already_finished()
    {
        var run = RunIn(RunStatus.Finished);
        var error = Assert.Throws<DomainException>(() => run.MarkRunning(T0));
        Assert.Equal("The run is already Finished; it cannot become Running.", error.Message);
    }

    [Fact]
    public void New_run_is_queued_with_its_creation_in_the_history()
    {
        var run = NewRun();

        Assert.Equal(RunStatus.Queued, run.Status);
        var created = Assert.Single(run.History);
        Assert.Null(created.From);
        Assert.Equal((RunStatus.Queued, T0, run.Id, run.WorkspaceId), (created.To, created.At, created.RunId, created.WorkspaceId));
    }

    [Fact]
    public void Started_and_ended_times_follow_the_first_running_and_the_final_state()
    {
        var run = NewRun();
        run.MarkSubmitting(T0.AddSeconds(1));
        run.MarkRunning(T0.AddSeconds(2));
        run.MarkRestarting(T0.AddSeconds(3), "task failure");
        run.MarkRunning(T0.AddSeconds(4));
        run.MarkFinished(T0.AddSeconds(9), "2 statements");

        Assert.Equal(T0.AddSeconds(2), run.StartedAt);
        Assert.Equal(T0.AddSeconds(9), run.EndedAt);
        Assert.Equal(TimeSpan.FromSeconds(7), run.Duration);
        Assert.Equal("2 statements", run.ResultSummary);
        Assert.Equal(
            [RunStatus.Queued, RunStatus.Submitting, RunStatus.Running, RunStatus.Restarting, RunStatus.Running, RunStatus.Finished],
            run.History.Select(h => h.To));
    }

    [Fact]
    public void Failure_keeps_the_error_message_and_records_it_as_the_reason()
    {
        var run = RunIn(RunStatus.Running);
        run.MarkFailed(T0.AddSeconds(5), "relation \"nope\" does not exist");

        Assert.Equal("relation \"nope\" does not exist", run.ErrorMessage);
        Assert.Equal(run.ErrorMessage, run.History[^1].Reason);
        Assert.Equal(T0.AddSeconds(5), run.EndedAt);
    }

    [Fact]
    public void Failure_without_a_message_is_refused()
    {
        Assert.Throws<DomainException>(() => RunIn(RunStatus.Running).MarkFailed(T0, " "));
    }

    [Fact]
    public void Unknown_records_its_reason_and_the_run_recovers_to_what_the_engine_reports()
    {
        var run = RunIn(RunStatus.Running);
        run.MarkUnknown(T0.AddSeconds(1), "cluster did not answer");
        run.MarkCanceled(T0.AddSeconds(2), "canceled on the cluster");

        Assert.Equal("cluster did not answer", run.History[^2].Reason);
        Assert.Equal(RunStatus.Canceled, run.Status);
    }

    [Fact]
    public void Scheduled_run_needs_a_published_version()
    {
        Assert.Throws<DomainException>(() =>
            new JobRun(Guid.NewGuid(), Guid.NewGuid(), null, RunTrigger.Schedule, "nightly", RunEngine.FlinkSql, T0));
    }

    [Fact]
    public void Flink_job_id_is_refused_for_a_database_run()
    {
        Assert.Throws<DomainException>(() => RunIn(RunStatus.Submitting).AttachFlinkJob("a1b2c3"));
    }

    [Fact]
    public void Log_line_sequence_starts_at_one()
    {
        Assert.Throws<DomainException>(() => new RunLogLine(Guid.NewGuid(), Guid.NewGuid(), 0, T0, RunLogLevel.Info, "x"));
    }

    private static JobRun NewRun() => new(Guid.NewGuid(), Guid.NewGuid(), null, RunTrigger.Manual, "user-1", RunEngine.DatabaseSql, T0);

    private static JobRun RunIn(RunStatus status)
    {
        var run = NewRun();
        RunStatus[] path = status switch
        {
            RunStatus.Queued => [],
            RunStatus.Submitting => [RunStatus.Submitting],
            RunStatus.Running => [RunStatus.Submitting, RunStatus.Running],
            _ => [RunStatus.Submitting, RunStatus.Running, status],
        };
        foreach (var step in path)
        {
            Apply(run, step, T0.AddSeconds(1));
        }

        Assert.Equal(status, run.Status);
        return run;
    }

    private static void Apply(JobRun run, RunStatus to, DateTimeOffset at)
    {
        switch (to)
        {
            case RunStatus.Queued:
                throw new DomainException("A run cannot become Queued again.");
            case RunStatus.Submitting:
                run.MarkSubmitting(at);
                break;
            case RunStatus.Running:
                run.MarkRunning(at);
                break;
            case RunStatus.Canceling:
                run.RequestCancel(at);
                break;
            case RunStatus.Restarting:
                run.MarkRestarting(at);
                break;
            case RunStatus.Unknown:
                run.MarkUnknown(at, "no answer");
                break;
            case RunStatus.Finished:
                run.MarkFinished(at);
                break;
            case RunStatus.Failed:
                run.MarkFailed(at, "boom");
                break;
            case RunStatus.Canceled:
                run.MarkCanceled(at);
                break;
        }
    }
}
