using AllData.Infrastructure.Flink;
using AllData.Infrastructure.Operations;
using AllData.Web.Features.Studio.Components;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;

namespace AllData.Tests.Components.Studio;

/// <summary>The Flink preview grid: changelog kinds coloured per kind, rows and state following the preview's events.</summary>
public sealed class FlinkPreviewPanelTests : BunitContext, IAsyncLifetime
{
    private readonly FlinkPreviewStore _store = new();

    public FlinkPreviewPanelTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddLogging();
        Services.AddSingleton<ILiveEvents, LiveEventBus>();
        Services.AddSingleton(_store);
        Services.AddScoped(sp => new FlinkPreviewService(null!, null!, _store, sp.GetRequiredService<ILiveEvents>(), null!, NullLogger<FlinkPreviewService>.Instance));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    [Fact]
    public void Rows_show_their_changelog_kind_coloured_and_follow_new_rows_and_the_end_of_the_preview()
    {
        var preview = new FlinkPreview(Guid.NewGuid(), Guid.NewGuid(), 10, null!);
        preview.Append(["id", "name"], [new FlinkPreviewRow("+I", ["1", "ada"]), new FlinkPreviewRow("-U", ["1", "ada"]), new FlinkPreviewRow("+U", ["1", "bea"])]);
        _store.Add(preview);
        FlinkPreviewState? reported = null;

        var panel = Render<FlinkPreviewPanel>(p => p.Add(x => x.PreviewId, preview.Id).Add(x => x.OnStateChanged, s => reported = s));

        var kinds = panel.FindAll("[data-testid=preview-kind]");
        Assert.Equal(["+I", "-U", "+U"], kinds.Select(k => k.TextContent));
        Assert.Equal(["kind-insert", "kind-update-before", "kind-update-after"], kinds.Select(k => k.ClassName));
        Assert.Contains("name", panel.Find("thead").TextContent, StringComparison.Ordinal);

        preview.Append([], [new FlinkPreviewRow("-D", ["1", null])]);
        preview.End(FlinkPreviewState.Completed);
        Services.GetRequiredService<ILiveEvents>().Publish(new FlinkPreviewChanged(preview.WorkspaceId, preview.Id, preview.State, preview.Count));

        panel.WaitForAssertion(() => Assert.Equal(4, panel.FindAll("[data-testid=preview-kind]").Count));
        Assert.Equal("kind-delete", panel.FindAll("[data-testid=preview-kind]")[3].ClassName);
        Assert.Contains("NULL", panel.Find("tbody").TextContent, StringComparison.Ordinal);
        Assert.Equal(FlinkPreviewState.Completed, reported);
    }
}
