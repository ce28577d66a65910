using AllData.Domain.Common;
using AllData.Domain.Scheduling;

namespace AllData.Tests.Domain.Scheduling;

public sealed class DependencyGraphTests
{
    private static readonly Guid A = Guid.NewGuid(), B = Guid.NewGuid(), C = Guid.NewGuid(), D = Guid.NewGuid();

    [Fact]
    public void An_edge_that_closes_a_loop_names_the_whole_cycle()
    {
        // B depends on A, C depends on B: A depending on C closes A → C → B → A.
        (Guid, Guid)[] edges = [(B, A), (C, B)];
        Assert.Equal([A, C, B, A], DependencyGraph.CycleIfAdded(edges, A, C));
    }

    [Fact]
    public void A_diamond_is_no_cycle()
    {
        (Guid, Guid)[] edges = [(B, A), (C, A), (D, B)];
        Assert.Null(DependencyGraph.CycleIfAdded(edges, D, C));
        Assert.Null(DependencyGraph.CycleIfAdded(edges, D, A));
    }

    [Fact]
    public void A_job_cannot_depend_on_itself()
    {
        Assert.Throws<DomainException>(() => new JobDependency(Guid.NewGuid(), A, A, DependencyDate.SameDate, UpstreamFailurePolicy.Wait, "u", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void The_previous_date_is_the_day_before_the_slot()
    {
        Assert.Equal(new DateOnly(2026, 2, 28), DependencyGraph.UpstreamDate(DependencyDate.PreviousDate, new DateOnly(2026, 3, 1)));
        Assert.Equal(new DateOnly(2026, 3, 1), DependencyGraph.UpstreamDate(DependencyDate.SameDate, new DateOnly(2026, 3, 1)));
    }
}

public sealed class DependencyGraphLayerTests
{
    [Fact]
    public void A_job_sits_one_column_right_of_its_furthest_upstream_and_loners_in_the_first()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), d = Guid.NewGuid(), alone = Guid.NewGuid();
        // a → b → c, and a → c, d → c.
        var layers = AllData.Domain.Scheduling.DependencyGraph.Layers([alone], [(b, a), (c, b), (c, a), (c, d)]);

        Assert.Equal((0, 1, 2, 0, 0), (layers[a], layers[b], layers[c], layers[d], layers[alone]));
    }
}
