using AllData.Infrastructure;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using AllData.Tests.Fixtures;
using AllData.Tests.Infrastructure.Catalog;
using AllData.Web.Features.Catalog.Components;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AllData.Tests.Components.Catalog;

/// <summary>The catalog tree and the columns tab, rendered with the real catalog services over the PostgreSQL fixture.</summary>
public sealed class CatalogComponentTests(DatabaseFixture fixture) : BunitContext, IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly CatalogHost _host = new(fixture);
    private Guid _sourceId;

    public async Task InitializeAsync()
    {
        await _host.ActAsNewMemberAsync();
        var database = _host.CreateSourceDatabase(CatalogSyncTests.EveryKind);
        _sourceId = (await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(database, name: "Shop db")))).Id;

        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = fixture.ConnectionString })
            .Build();
        Services.AddLogging();
        Services.AddAllDataInfrastructure(configuration);
        var userId = _host.CurrentUserId;
        Services.AddScoped<ICurrentUser>(_ => new FixedUser(userId));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        _host.Dispose();
        await DisposeAsync(); // MudBlazor registers services that only dispose asynchronously.
    }

    [Fact]
    public void The_tree_lists_the_sources_of_the_workspace()
    {
        var cut = Render<CatalogTree>();

        cut.WaitForAssertion(() => Assert.Contains("Shop db", cut.Find("[data-testid=catalog-tree]").TextContent), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void The_tree_filter_shows_matching_tables_under_their_source_and_schema()
    {
        var cut = Render<CatalogTree>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=catalog-tree]"), TimeSpan.FromSeconds(20));

        var filter = cut.Find("[data-testid=tree-filter]");
        (filter.TagName == "INPUT" ? filter : filter.QuerySelector("input")!).Input("order");

        cut.WaitForAssertion(() =>
        {
            var text = cut.Find("[data-testid=catalog-tree-filtered]").TextContent;
            Assert.Contains("Shop db", text);
            Assert.Contains("sales", text);
            Assert.Contains("orders", text);
            Assert.Contains("order_counts", text);
            Assert.DoesNotContain("customers", text);
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_columns_tab_shows_types_nullability_and_key_markers()
    {
        var table = await Orders();

        var cut = Render<ColumnsTab>(p => p.Add(c => c.Columns, table.Columns).Add(c => c.CanEdit, false));

        var rows = cut.FindAll("[data-testid=columns-grid] tbody tr");
        Assert.Equal(table.Columns.Count, rows.Count);
        Assert.Contains("PK", rows[0].TextContent);
        Assert.Contains("bigint", rows[0].TextContent);
        Assert.Contains("FK", rows[1].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=column-description]"));
    }

    [Fact]
    public async Task The_columns_tab_lets_developers_edit_descriptions()
    {
        var table = await Orders();

        var cut = Render<ColumnsTab>(p => p.Add(c => c.Columns, table.Columns).Add(c => c.CanEdit, true));

        Assert.Equal(table.Columns.Count, cut.FindAll("[data-testid=column-description]").Count);
    }

    private async Task<TableDetails> Orders()
    {
        var tables = await _host.With<CatalogService, IReadOnlyList<TreeTable>>(s => s.GetTablesAsync(_sourceId, "sales"));
        return await _host.With<CatalogService, TableDetails>(s => s.GetTableAsync(tables.Single(t => t.Name == "orders").Id));
    }

    private sealed class FixedUser(string? userId) : ICurrentUser
    {
        public string? UserId { get; } = userId;
    }
}
