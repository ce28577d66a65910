using AllData.Domain.Catalog;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.Catalog;

/// <summary>Connection tests, preview, profile, search and workspace isolation against real databases.</summary>
public sealed class CatalogAccessTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly CatalogHost _host = new(fixture);
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        await _host.ActAsNewMemberAsync();
        _database = _host.CreateSourceDatabase(CatalogSyncTests.EveryKind);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private Task<ConnectionTestResult> Test(DataSourceInput input) =>
        _host.With<DataSourceService, ConnectionTestResult>(s => s.TestConnectionAsync(input));

    private async Task<Guid> WeirdTable()
    {
        await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));
        var hits = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("ta\"ble"));
        return hits.First(h => h.Table == "ta\"ble" && h.Column is null).TableId;
    }

    [Fact]
    public async Task A_good_connection_reports_the_server_version_and_round_trip()
    {
        var result = await Test(_host.InputFor(_database));
        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("PostgreSQL 15", result.ServerVersion);
        Assert.NotNull(result.RoundTrip);
    }

    [Fact]
    public async Task Wrong_password_is_reported_as_authentication_failure() =>
        Assert.Equal(ConnectionFailure.AuthenticationFailed, (await Test(_host.InputFor(_database, "nope"))).Failure);

    [Fact]
    public async Task Closed_port_is_reported_as_connection_refused()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Assert.Equal(ConnectionFailure.ConnectionRefused, (await Test(_host.InputFor(_database) with { Port = port })).Failure);
    }

    [Fact]
    public async Task Unknown_database_is_reported_as_such()
    {
        var result = await Test(_host.InputFor("no_such_db_here"));
        Assert.Equal(ConnectionFailure.DatabaseDoesNotExist, result.Failure);
        Assert.Contains("3D000", result.Message);
    }

    [Fact]
    public async Task Preview_of_a_quoted_non_ascii_table_returns_typed_values_and_nulls()
    {
        var id = await WeirdTable();

        var preview = await _host.With<CatalogService, PreviewResult>(s => s.PreviewAsync(id));

        Assert.Equal(["ид", "quo\"te", "js", "flag", "u", "tags"], preview.Columns.Select(c => c.Name));
        Assert.Equal(3, preview.Rows.Count);
        Assert.Equal(1, preview.Rows[0][0]);
        Assert.Equal("a\"b", preview.Rows[0][1]);
        Assert.Equal(true, preview.Rows[0][3]);
        Assert.IsType<Guid>(preview.Rows[0][4]);
        Assert.All(preview.Rows[1].Skip(1), Assert.Null);
        Assert.Equal("订单", preview.Rows[2][1]);
    }

    [Fact]
    public async Task Profile_of_a_quoted_table_counts_nulls_and_distincts_and_skips_min_max_of_json()
    {
        var id = await WeirdTable();

        var profile = await _host.With<CatalogService, IReadOnlyList<ColumnProfile>>(s => s.ProfileAsync(id));

        var quote = profile.Single(p => p.Column == "quo\"te");
        Assert.Equal((3L, 1L, 2L), (quote.Rows, quote.Nulls, quote.Distinct));
        var key = profile.Single(p => p.Column == "ид");
        Assert.Equal(("1", "3"), (key.Min, key.Max));
        var json = profile.Single(p => p.Column == "js");
        Assert.Equal((null, null, null), (json.Distinct, json.Min, json.Max));
        Assert.Equal(("false", "true"), (profile.Single(p => p.Column == "flag").Min, profile.Single(p => p.Column == "flag").Max));
    }

    [Fact]
    public async Task Search_ranks_exact_names_before_prefixes_before_contains()
    {
        await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));

        var exact = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("Orders"));
        var partial = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("order"));

        Assert.Equal(("orders", null, 0), (exact[0].Table, exact[0].Column, exact[0].Rank));
        Assert.Equal([("orders", 1), ("order_counts", 1), ("big_orders", 2)],
            partial.Where(h => h.Column is null).Select(h => (h.Table, h.Rank)));
        Assert.Equal(partial.Select(h => h.Rank).Order(), partial.Select(h => h.Rank));
    }

    [Fact]
    public async Task Search_and_filter_take_underscores_and_percent_signs_literally()
    {
        await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));

        var underscore = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("order_counts"));
        var percent = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("order%counts"));

        Assert.Equal(("order_counts", 0), (underscore[0].Table, underscore[0].Rank));
        Assert.Empty(percent);
    }

    [Fact]
    public async Task Search_finds_user_descriptions_and_tags()
    {
        var created = await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));
        var table = (await _host.With<CatalogService, IReadOnlyList<TreeTable>>(s => s.GetTablesAsync(created.Id, "sales"))).First(t => t.Name == "remote");
        await _host.With<CatalogService>(s => s.AnnotateTableAsync(table.Id, "Mirrored ledger", ["zebra-tag"], null));

        Assert.Equal(table.Id, Assert.Single(await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("ZEBRA"))).TableId);
        Assert.Equal(table.Id, Assert.Single(await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("ledger"))).TableId);
    }

    [Fact]
    public async Task A_source_of_one_workspace_is_invisible_from_another()
    {
        var created = await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));
        var tableId = await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("orders")).ContinueWith(t => t.Result[0].TableId);

        await _host.ActAsNewMemberAsync(WorkspaceRole.Admin);

        Assert.Empty(await _host.With<DataSourceService, IReadOnlyList<DataSourceSummary>>(s => s.ListAsync()));
        Assert.Empty(await _host.With<CatalogService, IReadOnlyList<SearchHit>>(s => s.SearchAsync("orders")));
        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<CatalogService, TableDetails>(s => s.GetTableAsync(tableId)));
        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<DataSourceService, CatalogSyncResult>(s => s.SyncAsync(created.Id)));
    }

    [Fact]
    public async Task A_viewer_cannot_register_a_source()
    {
        await _host.ActAsNewMemberAsync(WorkspaceRole.Viewer);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database))));
    }

    [Fact]
    public async Task The_password_is_stored_encrypted_and_never_returned()
    {
        var created = await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(_database)));
        await using var db = fixture.CreateContext();
        var stored = db.Set<DataSource>().IgnoreQueryFiltersSingle(created.Id);
        Assert.DoesNotContain(PostgresServer.SuperPassword, stored.ProtectedPassword);

        var edit = await _host.With<DataSourceService, DataSourceForEdit>(s => s.GetForEditAsync(created.Id));
        Assert.True(edit.HasPassword);
        Assert.Null(edit.Input.Password);
    }
}

internal static class QueryExtensions
{
    public static DataSource IgnoreQueryFiltersSingle(this Microsoft.EntityFrameworkCore.DbSet<DataSource> set, Guid id) =>
        Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.IgnoreQueryFilters(set).Single(d => d.Id == id);
}
