using AllData.Infrastructure.Flink;
using AllData.Web.Features.Operations.Components;
using Bunit;

namespace AllData.Tests.Components.Operations;

public sealed class FlinkExceptionsViewTests : MudTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static FlinkJobException Failure(string message, DateTimeOffset at) => new(
        "java.lang.RuntimeException", $"java.lang.RuntimeException: {message}\n\tat com.example.Source.run(Source.java:42)", at, "Source: orders", null, null);

    [Fact]
    public void Root_cause_comes_first_with_its_first_line_bold_then_the_history()
    {
        var exceptions = new FlinkRunExceptions(FlinkInsightProblem.None, null, Failure("disk full", T0.AddMinutes(5)), [Failure("timeout", T0)], false);

        var cut = Render<FlinkExceptionsView>(p => p.Add(c => c.Exceptions, exceptions));

        var headlines = cut.FindAll("[data-testid=exception-headline]").Select(h => h.TextContent).ToList();
        Assert.Equal(["java.lang.RuntimeException: disk full", "java.lang.RuntimeException: timeout"], headlines);
        Assert.Equal("B", cut.Find("[data-testid=exception-root] [data-testid=exception-headline]").TagName);
        Assert.Contains("Source.java:42", cut.Find("[data-testid=exception-root] [data-testid=exception-stack]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=exception-history]"));
    }

    [Fact]
    public void An_unreachable_cluster_is_shown_as_a_notice_not_an_error_page()
    {
        var cut = Render<FlinkExceptionsView>(p => p.Add(c => c.Exceptions, FlinkRunExceptions.Unavailable(FlinkInsightProblem.ClusterUnreachable, "connection failed")));

        Assert.Equal("ClusterUnreachable", cut.Find("[data-testid=flink-problem]").GetAttribute("data-problem"));
        Assert.Contains("unreachable", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=exception-root]"));
    }
}
