using AllData.Domain.Catalog;
using AllData.Infrastructure.Catalog;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Catalog;

/// <summary>The catalog of a MySQL-kind source, read from a real MariaDB server (Debian's mariadb-server).</summary>
public sealed class MySqlCatalogTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly CatalogHost _host = new(fixture);

    private static MariaDbServer Maria => MariaDbServer.Instance;

    public async Task InitializeAsync() => await _host.ActAsNewMemberAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private static DataSourceInput InputFor(string database, string user, string? password = MariaDbServer.AdminPassword) => new()
    {
        Name = "my-" + database[^8..],
        Kind = DataSourceKind.MySql,
        Host = "127.0.0.1",
        Port = Maria.Port,
        Database = database,
        UserName = user,
        Password = password,
        SslMode = DataSourceSslMode.Disable,
    };

    private async Task<(DataSourceCreated Created, string Database, string User)> RegisterDemo()
    {
        var (database, user) = Maria.CreateSource("shop", MariaDbServer.DemoSchema);
        var created = await _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(InputFor(database, user)));
        return (created, database, user);
    }

    private async Task<(CatalogTable Table, List<CatalogColumn> Columns)> Stored(Guid sourceId, string name)
    {
        await using var db = fixture.CreateContext();
        var table = await db.Set<CatalogTable>().IgnoreQueryFilters().SingleAsync(t => t.DataSourceId == sourceId && t.Name == name);
        var columns = await db.Set<CatalogColumn>().IgnoreQueryFilters().Where(c => c.TableId == table.Id).OrderBy(c => c.Position).ToListAsync();
        return (table, columns);
    }

    [Fact]
    public async Task Connection_test_names_the_server_and_classifies_a_wrong_password_and_a_missing_database()
    {
        var (database, user) = Maria.CreateSource("conn");

        var ok = await _host.With<DataSourceService, ConnectionTestResult>(s => s.TestConnectionAsync(InputFor(database, user)));
        var wrong = await _host.With<DataSourceService, ConnectionTestResult>(s => s.TestConnectionAsync(InputFor(database, user, "nope")));
        var missing = await _host.With<DataSourceService, ConnectionTestResult>(s => s.TestConnectionAsync(InputFor("no_such_db", MariaDbServer.AdminUser)));
        var refused = await _host.With<DataSourceService, ConnectionTestResult>(s => s.TestConnectionAsync(InputFor(database, user) with { Port = 1 }));

        Assert.True(ok.Succeeded, ok.Message);
        Assert.StartsWith("MariaDB 10.", ok.ServerVersion, StringComparison.Ordinal);
        Assert.Equal(ConnectionFailure.AuthenticationFailed, wrong.Failure);
        Assert.Equal(ConnectionFailure.DatabaseDoesNotExist, missing.Failure);
        Assert.Equal(ConnectionFailure.ConnectionRefused, refused.Failure);
    }

    [Fact]
    public async Task Required_ssl_on_a_server_without_ssl_is_reported_as_not_supported()
    {
        var (database, user) = Maria.CreateSource("ssl");

        var result = await _host.With<DataSourceService, ConnectionTestResult>(s =>
            s.TestConnectionAsync(InputFor(database, user) with { SslMode = DataSourceSslMode.Require }));

        Assert.True(result.Failure == ConnectionFailure.SslNotSupported, $"{result.Failure}: {result.Message}");
    }

    [Fact]
    public async Task Sync_reads_a_schema_with_one_query_per_kind_of_object_and_no_query_per_table()
    {
        var (created, database, _) = await RegisterDemo();

        // One schemas query, then tables, columns, index columns and foreign keys of the one visible schema.
        Assert.Equal((SyncStatus.Succeeded, 3, 5), (created.Sync.Status, created.Sync.Tables, created.Sync.QueryCount));
        await using var db = fixture.CreateContext();
        var kinds = await db.Set<CatalogTable>().IgnoreQueryFilters().Where(t => t.DataSourceId == created.Id)
            .ToDictionaryAsync(t => t.SchemaName + "." + t.Name, t => t.Kind);
        Assert.Equal(TableKind.Table, kinds[$"{database}.orders"]);
        Assert.Equal(TableKind.View, kinds[$"{database}.big_orders"]);
    }

    [Fact]
    public async Task Sync_captures_keys_indexes_foreign_keys_defaults_generation_and_comments()
    {
        var (created, database, _) = await RegisterDemo();
        var (customers, customerColumns) = await Stored(created.Id, "customers");
        var (orders, orderColumns) = await Stored(created.Id, "orders");

        Assert.Equal(("People who buy", 3L), (customers.Comment, customers.EstimatedRows));
        Assert.Equal(["id"], customers.PrimaryKey!.Columns);
        Assert.Equal("customers_email", Assert.Single(customers.UniqueConstraints).Name);
        Assert.Equal(["email"], customers.UniqueConstraints[0].Columns);
        var id = customerColumns[0];
        Assert.Equal(("id", "int(10) unsigned", ColumnGeneration.IdentityByDefault, "Customer number"), (id.Name, id.DataType, id.Generation, id.Comment));
        Assert.Equal(("'anonymous'", "tinyint(1)"), (customerColumns[2].Default, customerColumns[3].DataType));
        var fk = Assert.Single(orders.ForeignKeys);
        Assert.Equal(("orders_customer", database, "customers", "CASCADE"), (fk.Name, fk.ReferencedSchema, fk.ReferencedTable, fk.OnDelete));
        var byDate = orders.Indexes.Single(i => i.Name == "orders_by_date");
        Assert.Equal($"CREATE INDEX `orders_by_date` ON `{database}`.`orders` (`order date`, `customer_id`) USING BTREE", byDate.Definition);
        var cents = orderColumns.Single(c => c.Name == "total_cents");
        Assert.Equal(ColumnGeneration.Stored, cents.Generation);
        Assert.Contains("total", cents.Default, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_sync_records_column_and_table_changes_and_drops_a_removed_table_from_the_catalog()
    {
        var (created, database, _) = await RegisterDemo();
        Maria.Execute(database, """
            ALTER TABLE orders ADD COLUMN channel VARCHAR(20) NOT NULL DEFAULT 'web';
            ALTER TABLE orders MODIFY note VARCHAR(200) NULL;
            DROP VIEW big_orders;
            CREATE TABLE refunds (id INT PRIMARY KEY);
            """);

        var result = await _host.With<DataSourceService, CatalogSyncResult>(s => s.SyncAsync(created.Id));

        Assert.Equal(SyncStatus.Succeeded, result.Status);
        Assert.Equal(
            [
                (CatalogChangeKind.ColumnChanged, "orders", "note", ColumnAspects.Type),
                (CatalogChangeKind.ColumnAdded, "orders", "channel", ColumnAspects.None),
                (CatalogChangeKind.TableAdded, "refunds", null, ColumnAspects.None),
                (CatalogChangeKind.TableRemoved, "big_orders", null, ColumnAspects.None),
            ],
            result.Changes.Select(c => (c.Kind, c.Table.Name, c.Column, c.Aspects)));
        await using var db = fixture.CreateContext();
        Assert.False(await db.Set<CatalogTable>().IgnoreQueryFilters().AnyAsync(t => t.DataSourceId == created.Id && t.Name == "big_orders"));
    }

    [Fact]
    public async Task Preview_reads_zero_dates_as_their_text_and_tinyint_one_as_a_number()
    {
        var (created, _, _) = await RegisterDemo();
        var (customers, _) = await Stored(created.Id, "customers");

        var preview = await _host.With<CatalogService, PreviewResult>(s => s.PreviewAsync(customers.Id));

        Assert.Equal(["id", "email", "name", "is_active", "signed_up"], preview.Columns.Select(c => c.Name));
        var bob = preview.Rows.Single(r => (string?)r[2] == "Bob");
        Assert.Equal("0000-00-00 00:00:00", bob[4]);
        Assert.Equal(2, Convert.ToInt32(bob[3], System.Globalization.CultureInfo.InvariantCulture));
        var ann = preview.Rows.Single(r => (string?)r[2] == "Ann");
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5), ann[4]);
    }

    [Fact]
    public async Task Profile_counts_nulls_distinct_values_and_min_max_in_one_scan()
    {
        var (created, _, _) = await RegisterDemo();
        var (orders, _) = await Stored(created.Id, "orders");

        var profile = await _host.With<CatalogService, IReadOnlyList<ColumnProfile>>(s => s.ProfileAsync(orders.Id));

        var note = profile.Single(p => p.Column == "note");
        Assert.Equal((3L, 1L, 2L), (note.Rows, note.Nulls, note.Distinct));
        var total = profile.Single(p => p.Column == "total");
        Assert.Equal(("30.00", "999.99"), (total.Min, total.Max));
    }

    [Fact]
    public async Task Ddl_quotes_with_backticks_and_offers_jdbc_and_mysql_cdc_with_the_chosen_server_ids()
    {
        var (created, database, _) = await RegisterDemo();
        var (orders, _) = await Stored(created.Id, "orders");

        var ddl = await _host.With<CatalogService, TableDdl>(s => s.GetDdlAsync(orders.Id, new MySqlCdcSettings("6000-6007", MySqlCdcStartupMode.LatestOffset)));

        Assert.Equal(DataSourceKind.MySql, ddl.Kind);
        Assert.Contains($"CREATE TABLE `{database}`.`orders` (", ddl.Source, StringComparison.Ordinal);
        Assert.Contains("`order date` date NOT NULL", ddl.Source, StringComparison.Ordinal);
        Assert.Contains($"'url' = 'jdbc:mysql://127.0.0.1:{Maria.Port}/{database}'", ddl.FlinkJdbc, StringComparison.Ordinal);
        Assert.Contains("'connector' = 'mysql-cdc'", ddl.FlinkCdc, StringComparison.Ordinal);
        Assert.Contains("'server-id' = '6000-6007'", ddl.FlinkCdc, StringComparison.Ordinal);
        Assert.Contains("'scan.startup.mode' = 'latest-offset'", ddl.FlinkCdc, StringComparison.Ordinal);
        Assert.Contains("`customer_id` BIGINT NOT NULL", ddl.FlinkCdc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_mysql_ddl_recreates_the_tables_on_the_server()
    {
        var (created, _, _) = await RegisterDemo();
        var (customers, _) = await Stored(created.Id, "customers");
        var (orders, _) = await Stored(created.Id, "orders");
        var first = await _host.With<CatalogService, TableDdl>(s => s.GetDdlAsync(customers.Id));
        var second = await _host.With<CatalogService, TableDdl>(s => s.GetDdlAsync(orders.Id));
        var (copy, _) = Maria.CreateSource("copy");

        var script = (first.Source + second.Source).Replace($"`{customers.SchemaName}`.", $"`{copy}`.", StringComparison.Ordinal);
        Maria.Execute(copy, script);

        Assert.Equal(6L, Convert.ToInt64(Maria.Scalar(copy,
            $"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{copy}' AND TABLE_NAME = 'orders'"), System.Globalization.CultureInfo.InvariantCulture));
    }
}
