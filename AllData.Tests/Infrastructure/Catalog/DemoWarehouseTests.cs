using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllData.Tests.Infrastructure.Catalog;

public sealed class DemoWarehouseTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly CatalogHost _host = new(fixture);

    public async Task InitializeAsync()
    {
        await using var db = fixture.CreateContext();
        db.Users.Add(new AllData.Infrastructure.Identity.AppUser { UserName = "root-admin", NormalizedUserName = "ROOT-ADMIN", IsSystemAdmin = true });
        await db.SaveChangesAsync();
        fixture.Server.DropDatabase(DemoWarehouseSetup.DatabaseName);
    }

    public Task DisposeAsync()
    {
        fixture.Server.DropDatabase(DemoWarehouseSetup.DatabaseName);
        return Task.CompletedTask;
    }

    public void Dispose() => _host.Dispose();

    private async Task<long> Scalar(string sql)
    {
        await using var conn = new NpgsqlConnection(fixture.Server.ConnectionString(DemoWarehouseSetup.DatabaseName));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task First_start_builds_a_synced_demo_warehouse_with_its_data_problems_and_a_second_start_changes_nothing()
    {
        await _host.With<DemoWarehouseSetup>(s => s.EnsureAsync());
        await _host.With<DemoWarehouseSetup>(s => s.EnsureAsync());

        Assert.True(await Scalar("""
            SELECT (SELECT count(*) FROM shop.customers) + (SELECT count(*) FROM shop.products) + (SELECT count(*) FROM shop.orders)
                 + (SELECT count(*) FROM shop.order_items) + (SELECT count(*) FROM shop.page_events)
            """) >= 200_000);
        Assert.True(await Scalar("SELECT count(*) FROM shop.customers WHERE email IS NULL") > 0);
        Assert.True(await Scalar("SELECT count(*) FROM (SELECT email FROM shop.customers WHERE email IS NOT NULL GROUP BY email HAVING count(*) > 1) d") > 0);
        Assert.True(await Scalar("SELECT count(*) FROM shop.order_items WHERE quantity < 0") > 0);
        Assert.True(await Scalar("SELECT count(*) FROM shop.orders o WHERE NOT EXISTS (SELECT 1 FROM shop.customers c WHERE c.id = o.customer_id)") > 0);
        Assert.True(await Scalar("SELECT count(*) FROM shop.orders WHERE ordered_at < now() - interval '91 days'") == 0);

        await using var db = fixture.CreateContext();
        var workspace = await db.Workspaces.SingleAsync(w => w.Name == DemoWarehouseSetup.WorkspaceName);
        var admin = await db.Users.SingleAsync(u => u.UserName == "root-admin");
        Assert.Equal(WorkspaceRole.Admin, (await db.WorkspaceMembers.SingleAsync(m => m.WorkspaceId == workspace.Id && m.UserId == admin.Id)).Role);
        var source = await db.Set<DataSource>().IgnoreQueryFilters().SingleAsync(d => d.WorkspaceId == workspace.Id);
        Assert.Equal(DemoWarehouseSetup.SourceName, source.Name);
        var runs = await db.Set<CatalogSyncRun>().IgnoreQueryFilters().Where(r => r.DataSourceId == source.Id).ToListAsync();
        Assert.Equal(SyncStatus.Succeeded, Assert.Single(runs).Status);
        Assert.True(runs[0].TableCount >= 7);
    }
}
