using AllData.Infrastructure;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Studio;
using AllData.Web.Features.Studio.Components;
using Bunit;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AllData.Tests.Components.Studio;

/// <summary>The result grid and the job tree, rendered with bUnit; the tree reads a real store.</summary>
public sealed class StudioComponentsTests : BunitContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly DatabaseFixture _database;

    /// <summary>As <see cref="MudTestContext"/>, but on the fixture's real store with the studio's services.</summary>
    public StudioComponentsTests(DatabaseFixture database)
    {
        _database = database;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddLogging();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:AllData"] = database.ConnectionString })
            .Build();
        Services.AddHttpContextAccessor();
        Services.AddAllDataInfrastructure(configuration);
        Services.AddScoped<TestCurrentUser>();
        Services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    private static StudioResultSet Set(bool truncated)
    {
        var set = new StudioResultSet(1, 0, [new ResultColumn("id", "integer", typeof(int)), new ResultColumn("name", "text", typeof(string))]);
        set.Add([[1, "ada"], [2, null], [3, ""]]);
        set.Truncated = truncated;
        return set;
    }

    [Fact]
    public void Result_grid_shows_typed_columns_and_null_distinctly_from_empty_text()
    {
        var grid = Render<ResultGrid>(p => p.Add(c => c.Set, Set(false)));

        Assert.Contains("integer", grid.Find("thead").TextContent, StringComparison.Ordinal);
        var nulls = grid.FindAll("td.cell-null");
        Assert.Single(nulls);
        Assert.Equal("NULL", nulls[0].TextContent);
        Assert.Empty(grid.FindAll("[data-testid=result-truncated]"));
    }

    [Fact]
    public void Result_grid_says_when_rows_were_cut_at_the_cap_and_links_the_full_csv()
    {
        var grid = Render<ResultGrid>(p => p.Add(c => c.Set, Set(true)).Add(c => c.CsvHref, "/api/v1/runs/x/statements/1/csv"));

        Assert.Contains("Truncated at 3 rows", grid.Find("[data-testid=result-truncated]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/api/v1/runs/x/statements/1/csv", grid.Find("[data-testid=result-csv]").GetAttribute("href"));
    }

    [Fact]
    public async Task Job_tree_shows_folders_and_jobs_and_offers_changes_only_to_developers()
    {
        using var host = new StudioHost(_database);
        var workspace = await host.ActAsNewMemberAsync();
        var folder = await host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("Nightly", null));
        await host.With<JobTreeService, JobNode>(s => s.CreateJobAsync("Load orders", folder.Id, JobType.DatabaseSql));
        await host.ActAsNewMemberAsync(WorkspaceRole.Viewer, workspace);
        Services.GetRequiredService<TestCurrentUser>().UserId = host.Services.GetRequiredService<TestCurrentUser>().UserId;

        var viewerTree = Render<JobTreePanel>(p => p.Add(c => c.CanEdit, false));
        viewerTree.WaitForAssertion(() => Assert.Contains("Nightly", viewerTree.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Empty(viewerTree.FindAll("[data-testid=tree-item-menu]"));
        Assert.Empty(viewerTree.FindAll("[data-testid=tree-new-folder]"));

        var developerTree = Render<JobTreePanel>(p => p.Add(c => c.CanEdit, true));
        developerTree.WaitForAssertion(() => Assert.NotEmpty(developerTree.FindAll("[data-testid=tree-item-menu]")), TimeSpan.FromSeconds(15));
        Assert.Contains("Load orders", developerTree.Markup, StringComparison.Ordinal);
    }
}
