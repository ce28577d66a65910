using System.Text.Json.Nodes;
using AllData.Web.Components.Shared.Charts;
using Bunit;

namespace AllData.Tests.Components.Editor;

public sealed class ApexChartTests : MudTestContext
{
    private static readonly object LineOptions = new { chart = new { type = "line", height = 240 }, theme = new { mode = "dark" } };

    [Fact]
    public void Chart_is_created_with_its_options_and_series()
    {
        var cut = Render<ApexChart>(p => p
            .Add(c => c.Options, LineOptions)
            .Add(c => c.Series, new[] { new { name = "records/s", data = new[] { 1, 2, 3 } } }));

        var create = JSInterop.VerifyInvoke("AllDataCharts.create");
        Assert.Equal(cut.Instance.ElementId, create.Arguments[0]);
        var options = Assert.IsType<JsonObject>(create.Arguments[1]);
        Assert.Equal("line", options["chart"]!["type"]!.GetValue<string>());
        Assert.Equal("dark", options["theme"]!["mode"]!.GetValue<string>());
        Assert.Equal("records/s", options["series"]![0]!["name"]!.GetValue<string>());
        Assert.Single(cut.FindAll($"#{cut.Instance.ElementId}"));
    }

    [Fact]
    public async Task Appending_points_goes_to_this_chart()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Options, LineOptions));
        var points = new[] { new { data = new[] { 4 } } };

        await cut.InvokeAsync(() => cut.Instance.AppendAsync(points));

        var append = JSInterop.VerifyInvoke("AllDataCharts.appendData");
        Assert.Equal([cut.Instance.ElementId, points], append.Arguments);
    }

    [Fact]
    public void New_series_update_the_chart_without_recreating_it()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Options, LineOptions).Add(c => c.Series, new[] { new { data = new[] { 1 } } }));
        var next = new[] { new { data = new[] { 1, 2 } } };

        cut.Render(p => p.Add(c => c.Series, next));

        Assert.Equal(next, JSInterop.VerifyInvoke("AllDataCharts.updateSeries").Arguments[1]);
        JSInterop.VerifyInvoke("AllDataCharts.create", calledTimes: 1);
    }

    [Fact]
    public async Task Disposing_the_component_destroys_the_chart()
    {
        var id = Render<ApexChart>(p => p.Add(c => c.Options, LineOptions)).Instance.ElementId;

        await DisposeComponentsAsync();

        Assert.Equal(id, JSInterop.VerifyInvoke("AllDataCharts.destroy").Arguments[0]);
    }
}
