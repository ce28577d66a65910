using AllData.Domain.Catalog;
using AllData.Infrastructure.Catalog;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace AllData.Tests.Infrastructure.Catalog;

public sealed class CatalogSyncTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    internal const string EveryKind = """
        CREATE SCHEMA sales;
        COMMENT ON SCHEMA sales IS 'Sales data';
        CREATE TABLE sales.customers (id serial PRIMARY KEY, email text UNIQUE, name varchar(100) NOT NULL);
        COMMENT ON TABLE sales.customers IS 'Buyers';
        COMMENT ON COLUMN sales.customers.email IS 'Contact address';
        CREATE TABLE sales.orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id integer REFERENCES sales.customers (id) ON DELETE CASCADE,
            amount integer,
            note text,
            created_at timestamptz NOT NULL DEFAULT now(),
            doubled integer GENERATED ALWAYS AS (amount * 2) STORED,
            legacy_code text);
        CREATE INDEX orders_created_idx ON sales.orders (created_at);
        INSERT INTO sales.customers (email, name) SELECT 'c' || g || '@x', 'n' || g FROM generate_series(1, 50) g;
        INSERT INTO sales.orders (customer_id, amount) SELECT 1 + g % 50, g FROM generate_series(1, 200) g;
        ANALYZE;
        CREATE VIEW sales.big_orders AS SELECT id, amount FROM sales.orders WHERE amount > 100;
        CREATE MATERIALIZED VIEW sales.order_counts AS SELECT customer_id, count(*) AS n FROM sales.orders GROUP BY 1;
        CREATE TABLE sales.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE sales.events_2026 PARTITION OF sales.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'postgres');
        CREATE FOREIGN TABLE sales.remote (id int, label text) SERVER elsewhere;
        CREATE SCHEMA "we;ird";
        CREATE TABLE "we;ird"."ta""ble" ("ид" integer PRIMARY KEY, "quo""te" text, "js" json, "flag" boolean, "u" uuid, "tags" text[]);
        INSERT INTO "we;ird"."ta""ble" VALUES (1, 'a"b', '{"k": 1}', true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{x,y}'), (2, NULL, NULL, NULL, NULL, NULL), (3, '订单', '[]', false, NULL, '{}');
        """;

    private readonly CatalogHost _host = new(fixture);

    public async Task InitializeAsync() => await _host.ActAsNewMemberAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private Task<DataSourceCreated> Register(string database) =>
        _host.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(_host.InputFor(database)));

    private async Task<(CatalogTable Table, List<CatalogColumn> Columns)> Stored(Guid sourceId, string schema, string name)
    {
        await using var db = fixture.CreateContext();
        var table = await db.Set<CatalogTable>().IgnoreQueryFilters().SingleAsync(t => t.DataSourceId == sourceId && t.SchemaName == schema && t.Name == name);
        var columns = await db.Set<CatalogColumn>().IgnoreQueryFilters().Where(c => c.TableId == table.Id).OrderBy(c => c.Position).ToListAsync();
        return (table, columns);
    }

    [Fact]
    public async Task Sync_on_creation_captures_every_object_kind_with_five_catalog_queries()
    {
        var created = await Register(_host.CreateSourceDatabase(EveryKind));

        Assert.Equal((SyncStatus.Succeeded, 5), (created.Sync.Status, created.Sync.QueryCount));
        await using var db = fixture.CreateContext();
        var kinds = await db.Set<CatalogTable>().IgnoreQueryFilters().Where(t => t.DataSourceId == created.Id)
            .ToDictionaryAsync(t => t.SchemaName + "." + t.Name, t => t.Kind);
        Assert.Equal(TableKind.Table, kinds["sales.orders"]);
        Assert.Equal(TableKind.View, kinds["sales.big_orders"]);
        Assert.Equal(TableKind.MaterializedView, kinds["sales.order_counts"]);
        Assert.Equal(TableKind.PartitionedTable, kinds["sales.events"]);
        Assert.Equal(TableKind.ForeignTable, kinds["sales.remote"]);
        Assert.Equal(TableKind.Table, kinds["we;ird.ta\"ble"]);
        Assert.DoesNotContain(kinds.Keys, k => k.StartsWith("pg_catalog.", StringComparison.Ordinal) || k.StartsWith("information_schema.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_captures_keys_indexes_defaults_identity_and_comments()
    {
        var created = await Register(_host.CreateSourceDatabase(EveryKind));

        var (orders, columns) = await Stored(created.Id, "sales", "orders");
        Assert.Equal(["id"], orders.PrimaryKey!.Columns);
        var fk = Assert.Single(orders.ForeignKeys);
        Assert.Equal(("sales", "customers", "CASCADE"), (fk.ReferencedSchema, fk.ReferencedTable, fk.OnDelete));
        Assert.Contains(orders.Indexes, i => i.Name == "orders_created_idx" && !i.BacksConstraint);
        Assert.Equal(200, orders.EstimatedRows);
        Assert.True(orders.TotalBytes > 0);
        Assert.Equal(ColumnGeneration.IdentityAlways, columns[0].Generation);
        Assert.Equal((ColumnGeneration.Stored, "(amount * 2)"), (columns[5].Generation, columns[5].Default));
        Assert.Equal(("timestamp with time zone", false, "now()"), (columns[4].DataType, columns[4].IsNullable, columns[4].Default));

        var (customers, customerColumns) = await Stored(created.Id, "sales", "customers");
        Assert.Equal("Buyers", customers.Comment);
        Assert.Equal(["email"], Assert.Single(customers.UniqueConstraints).Columns);
        Assert.Equal(("character varying(100)", "Contact address"), (customerColumns[2].DataType, customerColumns[1].Comment));
    }

    [Fact]
    public async Task Resync_records_exactly_what_changed_and_keeps_user_descriptions()
    {
        var database = _host.CreateSourceDatabase(EveryKind);
        var created = await Register(database);
        var (orders, columns) = await Stored(created.Id, "sales", "orders");
        await _host.With<CatalogService>(async s =>
        {
            await s.AnnotateTableAsync(orders.Id, "Every checkout", ["finance", "core"], "team-a");
            await s.AnnotateColumnAsync(columns.Single(c => c.Name == "note").Id, "Free text", ["money"]);
        });

        _host.Execute(database, """
            ALTER TABLE sales.orders ADD COLUMN channel text NOT NULL DEFAULT 'web';
            ALTER TABLE sales.orders DROP COLUMN legacy_code;
            ALTER TABLE sales.orders ALTER COLUMN note TYPE varchar(200);
            ALTER TABLE sales.customers ALTER COLUMN name DROP NOT NULL;
            DROP VIEW sales.big_orders;
            CREATE TABLE sales.refunds (id int PRIMARY KEY, order_id bigint);
            """);
        var result = await _host.With<DataSourceService, CatalogSyncResult>(s => s.SyncAsync(created.Id));

        Assert.Equal(SyncStatus.Succeeded, result.Status);
        Assert.Equal(
            [
                (CatalogChangeKind.ColumnChanged, "customers", "name", ColumnAspects.Nullability),
                (CatalogChangeKind.ColumnChanged, "orders", "note", ColumnAspects.Type),
                (CatalogChangeKind.ColumnAdded, "orders", "channel", ColumnAspects.None),
                (CatalogChangeKind.ColumnRemoved, "orders", "legacy_code", ColumnAspects.None),
                (CatalogChangeKind.TableAdded, "refunds", null, ColumnAspects.None),
                (CatalogChangeKind.TableRemoved, "big_orders", null, ColumnAspects.None),
            ],
            result.Changes.Select(c => (c.Kind, c.Table.Name, c.Column, c.Aspects)));

        var (after, afterColumns) = await Stored(created.Id, "sales", "orders");
        Assert.Equal((orders.Id, "Every checkout", "team-a"), (after.Id, after.Description, after.Owner));
        Assert.Equal(["finance", "core"], after.Tags);
        var note = afterColumns.Single(c => c.Name == "note");
        Assert.Equal(("character varying(200)", "Free text"), (note.DataType, note.Description));

        var history = await _host.With<CatalogService, IReadOnlyList<TableChangeRow>>(s => s.GetChangesAsync(orders.Id));
        Assert.Equal(3, history.Count(h => h.At == history[0].At));
        Assert.Contains(history, h => h.Kind == CatalogChangeKind.TableAdded);
    }

    [Fact]
    public async Task A_failing_sync_keeps_the_previous_catalog_and_records_the_error()
    {
        var database = _host.CreateSourceDatabase(EveryKind);
        var created = await Register(database);
        await _host.With<DataSourceService>(s => s.UpdateAsync(created.Id, _host.InputFor(database, "wrong-password") with { Name = "renamed" }));

        var result = await _host.With<DataSourceService, CatalogSyncResult>(s => s.SyncAsync(created.Id));

        Assert.Equal(SyncStatus.Failed, result.Status);
        Assert.Contains("AuthenticationFailed", result.Error);
        var history = await _host.With<DataSourceService, IReadOnlyList<SyncRunSummary>>(s => s.GetSyncHistoryAsync(created.Id));
        Assert.Equal([SyncStatus.Failed, SyncStatus.Succeeded], history.Select(h => h.Status));
        var tables = await _host.With<DataSourceService, DataSourceDependents>(s => s.GetDependentsAsync(created.Id));
        Assert.Equal(created.Sync.Tables, tables.Tables);
    }

    [Fact]
    public async Task Relationships_are_found_in_both_directions()
    {
        var created = await Register(_host.CreateSourceDatabase(EveryKind));
        var (customers, _) = await Stored(created.Id, "sales", "customers");
        var (orders, _) = await Stored(created.Id, "sales", "orders");

        var incoming = await _host.With<CatalogService, IReadOnlyList<Relationship>>(s => s.GetRelationshipsAsync(customers.Id));
        var outgoing = await _host.With<CatalogService, IReadOnlyList<Relationship>>(s => s.GetRelationshipsAsync(orders.Id));

        Assert.Equal((RelationshipDirection.Incoming, orders.Id), (Assert.Single(incoming).Direction, incoming[0].OtherTableId));
        Assert.Equal((RelationshipDirection.Outgoing, customers.Id), (Assert.Single(outgoing).Direction, outgoing[0].OtherTableId));
    }
}
