using AllData.Domain.Flink;
using AllData.Domain.Operations;

namespace AllData.Tests.Domain.Flink;

public sealed class FlinkJobStateTests
{
    public static TheoryData<FlinkJobState, RunStatus> Mapping => new()
    {
        { FlinkJobState.Initializing, RunStatus.Submitting },
        { FlinkJobState.Created, RunStatus.Submitting },
        { FlinkJobState.Running, RunStatus.Running },
        { FlinkJobState.Reconciling, RunStatus.Running },
        { FlinkJobState.Failing, RunStatus.Restarting },
        { FlinkJobState.Restarting, RunStatus.Restarting },
        { FlinkJobState.Cancelling, RunStatus.Canceling },
        { FlinkJobState.Finished, RunStatus.Finished },
        { FlinkJobState.Failed, RunStatus.Failed },
        { FlinkJobState.Canceled, RunStatus.Canceled },
        { FlinkJobState.Suspended, RunStatus.Unknown },
    };

    [Theory]
    [MemberData(nameof(Mapping))]
    public void Each_flink_state_maps_to_its_run_status(FlinkJobState state, RunStatus expected) =>
        Assert.Equal(expected, state.ToRunStatus());

    [Fact]
    public void Every_flink_state_has_a_mapping() =>
        Assert.Equal(Enum.GetValues<FlinkJobState>().Order(), Mapping.Select(row => (FlinkJobState)row[0]).Order());

    [Fact]
    public void Only_failed_canceled_and_finished_end_a_run()
    {
        var final = Enum.GetValues<FlinkJobState>().Where(s => s.ToRunStatus().IsFinal());
        Assert.Equal([FlinkJobState.Failed, FlinkJobState.Canceled, FlinkJobState.Finished], final.Order());
    }

    [Fact]
    public void Suspended_is_not_globally_terminal() => Assert.False(FlinkJobState.Suspended.IsGloballyTerminal());

    [Theory]
    [InlineData("INITIALIZING", FlinkJobState.Initializing)]
    [InlineData("CANCELLING", FlinkJobState.Cancelling)]
    [InlineData("CANCELED", FlinkJobState.Canceled)]
    [InlineData("RECONCILING", FlinkJobState.Reconciling)]
    public void Wire_names_parse_to_states(string wire, FlinkJobState expected)
    {
        Assert.Equal(expected, FlinkJobStates.ParseWireName(wire));
        Assert.Equal(wire, expected.ToWireName());
    }

    [Theory]
    [InlineData("running")]
    [InlineData("CANCELLED")]
    [InlineData("")]
    public void Unknown_wire_names_are_rejected(string wire) =>
        Assert.Throws<FormatException>(() => FlinkJobStates.ParseWireName(wire));
}
