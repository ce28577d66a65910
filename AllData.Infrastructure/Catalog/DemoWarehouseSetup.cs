using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AllData.Infrastructure.Catalog;

/// <summary>
/// First-start work after <see cref="Identity.DatabaseSetup"/>: a <c>demo</c> database in the app's own PostgreSQL,
/// filled with a generated shop dataset (with a few deliberate data problems for quality rules to find), a "Demo"
/// workspace with every system admin as Admin, and a synced "Demo warehouse" source. Idempotent.
/// </summary>
public sealed class DemoWarehouseSetup
{
    private readonly IConfiguration configuration;
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly DataSourceSecrets secrets;
    private readonly CatalogSyncService sync;
    private readonly TimeProvider clock;
    private readonly ILogger<DemoWarehouseSetup> logger;

    internal DemoWarehouseSetup(IConfiguration configuration, IDbContextFactory<AllDataDbContext> factory, DataSourceSecrets secrets, CatalogSyncService sync, TimeProvider clock, ILogger<DemoWarehouseSetup> logger)
    {
        this.configuration = configuration;
        this.factory = factory;
        this.secrets = secrets;
        this.sync = sync;
        this.clock = clock;
        this.logger = logger;
    }

    public const string DatabaseName = "demo";
    public const string WorkspaceName = "Demo";
    public const string SourceName = "Demo warehouse";

    public async Task EnsureAsync(CancellationToken ct = default)
    {
        var app = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(PersistenceSetup.ConnectionName)
            ?? throw new InvalidOperationException($"Set ConnectionStrings:{PersistenceSetup.ConnectionName}."));
        await EnsureDatabaseAsync(app, ct);
        await EnsureDataAsync(app, ct);
        var (workspaceId, sourceId) = await EnsureWorkspaceAndSourceAsync(app, ct);

        await using var db = await factory.CreateDbContextAsync(ct);
        db.WorkspaceId = workspaceId;
        if (!await db.Set<CatalogSyncRun>().AnyAsync(r => r.DataSourceId == sourceId && r.Status == SyncStatus.Succeeded, ct))
        {
            var result = await sync.SyncAsync(workspaceId, sourceId, null, ct);
            logger.LogInformation("Synced the demo warehouse: {Status}, {Tables} tables", result.Status, result.Tables);
        }

        await Quality.DemoQualityRules.EnsureAsync(db, workspaceId, sourceId, clock.GetUtcNow(), ct);
    }

    private async Task EnsureDatabaseAsync(NpgsqlConnectionStringBuilder app, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", conn);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", conn);
        await create.ExecuteNonQueryAsync(ct);
        logger.LogInformation("Created the demo database {Database}", DatabaseName);
    }

    private async Task EnsureDataAsync(NpgsqlConnectionStringBuilder app, CancellationToken ct)
    {
        var demo = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = DatabaseName, CommandTimeout = 300 };
        await using var conn = new NpgsqlConnection(demo.ConnectionString);
        await conn.OpenAsync(ct);
        await using var check = new NpgsqlCommand("SELECT to_regclass('shop.page_events') IS NOT NULL", conn);
        if ((bool)(await check.ExecuteScalarAsync(ct))!)
        {
            return;
        }

        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var fill = new NpgsqlCommand(DemoData, conn, tx) { CommandTimeout = 300 })
        {
            await fill.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        await using var analyze = new NpgsqlCommand("ANALYZE", conn);
        await analyze.ExecuteNonQueryAsync(ct);
        logger.LogInformation("Filled the demo database with the shop dataset");
    }

    private async Task<(Guid Workspace, Guid Source)> EnsureWorkspaceAndSourceAsync(NpgsqlConnectionStringBuilder app, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var at = clock.GetUtcNow();
        var workspace = await db.Workspaces.FirstOrDefaultAsync(w => w.Name == WorkspaceName, ct);
        if (workspace is null)
        {
            workspace = new Workspace(WorkspaceName, at);
            db.Workspaces.Add(workspace);
            var admins = await db.Users.Where(u => u.IsSystemAdmin).Select(u => u.Id).ToListAsync(ct);
            db.WorkspaceMembers.AddRange(admins.Select(id => new WorkspaceMember(workspace.Id, id, WorkspaceRole.Admin, at)));
            await db.SaveChangesAsync(ct);
            // A newcomer lands where the data is: admins who never chose a workspace start in the demo.
            await db.Users.Where(u => u.IsSystemAdmin && u.CurrentWorkspaceId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentWorkspaceId, workspace.Id), ct);
            logger.LogInformation("Created the {Workspace} workspace", WorkspaceName);
        }

        db.WorkspaceId = workspace.Id;
        var source = await db.Set<DataSource>().FirstOrDefaultAsync(d => d.Name == SourceName, ct);
        if (source is null)
        {
            var settings = new DataSourceSettings(SourceName, DataSourceKind.PostgreSql, app.Host ?? "127.0.0.1", app.Port, DatabaseName,
                app.Username ?? "postgres", app.SslMode == SslMode.Disable ? DataSourceSslMode.Disable : DataSourceSslMode.Prefer);
            source = new DataSource(workspace.Id, settings, secrets.Protect(app.Password), at);
            db.Add(source);
            await db.SaveChangesAsync(ct);
        }

        return (workspace.Id, source.Id);
    }

    /// <summary>
    /// The shop dataset, generated in the database. Deliberate problems: null and duplicate customer emails,
    /// negative quantities, and orders whose customer does not exist (so orders.customer_id has no foreign key).
    /// </summary>
    internal const string DemoData = """
        SELECT setseed(0.42);
        CREATE SCHEMA shop;
        COMMENT ON SCHEMA shop IS 'A small web shop: customers, products, orders and what visitors click';

        CREATE TABLE shop.customers (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email text,
            full_name text NOT NULL,
            country character(2) NOT NULL,
            signed_up_at timestamp with time zone NOT NULL,
            is_vip boolean NOT NULL DEFAULT false
        );
        COMMENT ON TABLE shop.customers IS 'People who signed up to the shop';
        COMMENT ON COLUMN shop.customers.email IS 'Contact e-mail; should be present and unique';
        INSERT INTO shop.customers (email, full_name, country, signed_up_at, is_vip)
        SELECT CASE WHEN g % 97 = 0 THEN NULL
                    WHEN g % 113 = 0 THEN 'customer' || (g - 1) || '@example.com'
                    ELSE 'customer' || g || '@example.com' END,
               (ARRAY['Ana','Ben','Chen','Dana','Eli','Fatima','Goro','Hana','Ivan','Jia'])[1 + g % 10] || ' ' ||
               (ARRAY['Smith','Li','Garcia','Müller','Sato','Kowalski','Silva','Wang'])[1 + (g / 10) % 8],
               (ARRAY['US','CN','DE','FR','BR','JP','IN','GB'])[1 + g % 8],
               now() - random() * interval '90 days',
               random() < 0.05
        FROM generate_series(1, 20000) g;
        CREATE INDEX customers_email_idx ON shop.customers (lower(email));

        CREATE TABLE shop.products (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            sku character varying(20) NOT NULL UNIQUE,
            name text NOT NULL,
            category text NOT NULL,
            price numeric(10,2) NOT NULL CHECK (price >= 0),
            created_at timestamp with time zone NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE shop.products IS 'The catalogue of things for sale';
        INSERT INTO shop.products (sku, name, category, price, created_at)
        SELECT 'SKU-' || lpad(g::text, 5, '0'),
               (ARRAY['Classic','Eco','Pro','Mini','Max'])[1 + g % 5] || ' ' ||
               (ARRAY['Mug','Lamp','Backpack','Headphones','Notebook','Chair','Kettle','Scarf'])[1 + (g / 5) % 8],
               (ARRAY['Home','Office','Travel','Audio','Kitchen','Fashion'])[1 + g % 6],
               round((5 + random() * 295)::numeric, 2),
               now() - interval '120 days' + random() * interval '30 days'
        FROM generate_series(1, 500) g;

        CREATE TABLE shop.orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id bigint NOT NULL,
            ordered_at timestamp with time zone NOT NULL,
            status character varying(12) NOT NULL DEFAULT 'placed',
            shipping_country character(2) NOT NULL
        );
        COMMENT ON TABLE shop.orders IS 'One row per checkout';
        COMMENT ON COLUMN shop.orders.customer_id IS 'The buying customer (no foreign key: the legacy importer writes unknown ids)';
        INSERT INTO shop.orders (customer_id, ordered_at, status, shipping_country)
        SELECT CASE WHEN g % 211 = 0 THEN 900000 + g ELSE 1 + (random() * 19999)::bigint END,
               now() - random() * interval '90 days',
               (ARRAY['placed','paid','shipped','delivered','delivered','delivered','canceled','returned'])[1 + (random() * 7)::int],
               (ARRAY['US','CN','DE','FR','BR','JP','IN','GB'])[1 + g % 8]
        FROM generate_series(1, 60000) g;
        CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
        CREATE INDEX orders_ordered_at_idx ON shop.orders (ordered_at);

        CREATE TABLE shop.order_items (
            order_id bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE,
            line_no integer NOT NULL,
            product_id integer NOT NULL REFERENCES shop.products (id),
            quantity integer NOT NULL,
            unit_price numeric(10,2) NOT NULL,
            PRIMARY KEY (order_id, line_no)
        );
        COMMENT ON TABLE shop.order_items IS 'The lines of each order';
        COMMENT ON COLUMN shop.order_items.quantity IS 'Units bought; must be positive';
        INSERT INTO shop.order_items (order_id, line_no, product_id, quantity, unit_price)
        SELECT o, i, p, CASE WHEN (o + i) % 499 = 0 THEN -q ELSE q END, pr.price
        FROM generate_series(1, 60000) o
        CROSS JOIN LATERAL generate_series(1, 1 + o % 4) i
        CROSS JOIN LATERAL (SELECT 1 + ((o * 7 + i * 13) % 500) AS p, 1 + ((o + i) % 5) AS q) x
        JOIN shop.products pr ON pr.id = x.p;
        CREATE INDEX order_items_product_idx ON shop.order_items (product_id);

        CREATE TABLE shop.page_events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id uuid NOT NULL,
            customer_id bigint,
            event_type text NOT NULL,
            url text NOT NULL,
            occurred_at timestamp with time zone NOT NULL,
            properties jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        COMMENT ON TABLE shop.page_events IS 'Click stream of the web shop; anonymous visitors have no customer';
        INSERT INTO shop.page_events (session_id, customer_id, event_type, url, occurred_at, properties)
        SELECT md5((g / 8)::text)::uuid,
               CASE WHEN random() < 0.4 THEN NULL ELSE 1 + (random() * 19999)::bigint END,
               (ARRAY['page_view','page_view','page_view','search','add_to_cart','checkout'])[1 + g % 6],
               '/products/' || (1 + g % 500),
               now() - random() * interval '90 days',
               jsonb_build_object('device', (ARRAY['mobile','desktop','tablet'])[1 + g % 3], 'referrer', (ARRAY['google','direct','newsletter'])[1 + g % 3])
        FROM generate_series(1, 120000) g;
        CREATE INDEX page_events_occurred_at_idx ON shop.page_events (occurred_at);

        CREATE VIEW shop.order_totals AS
        SELECT o.id AS order_id, o.customer_id, o.ordered_at, o.status, sum(i.quantity * i.unit_price)::numeric(12,2) AS total
        FROM shop.orders o JOIN shop.order_items i ON i.order_id = o.id
        GROUP BY o.id;
        COMMENT ON VIEW shop.order_totals IS 'Order value from its lines';

        CREATE MATERIALIZED VIEW shop.daily_revenue AS
        SELECT date_trunc('day', o.ordered_at)::date AS day, count(DISTINCT o.id) AS orders, sum(i.quantity * i.unit_price)::numeric(14,2) AS revenue
        FROM shop.orders o JOIN shop.order_items i ON i.order_id = o.id
        WHERE o.status NOT IN ('canceled', 'returned')
        GROUP BY 1;
        CREATE UNIQUE INDEX daily_revenue_day_idx ON shop.daily_revenue (day);
        """;
}
