using System.Diagnostics;
using System.Globalization;
using System.Text;
using AllData.Domain.Catalog;
using AllData.Infrastructure.Catalog;
using AllData.Tests.Fixtures;

// MySQL catalog benchmark (issue 15): a full sync of 10,000 tables x 20 columns from a real MariaDB (the fixture's
// server), and a resync; target 60 s, with the number of catalog queries (one tables query and one columns query per
// schema, not per table).
var tables = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
const int ColumnsPerTable = 20;
const int Schemas = 1;
var clock = TimeProvider.System;
var maria = MariaDbServer.Instance;
var postgres = PostgresServer.Instance;
var store = postgres.CreateDatabase("mybench");

Console.WriteLine($"# MySQL catalog benchmark, {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {maria.ServerVersion}, load {BenchStore.Load()}");
string[] names = ["id", "customer_id", "created_at", "updated_at", "amount", "status", "email", "country", "price", "quantity",
    "order_id", "product_id", "note", "is_active", "score", "region", "channel", "currency", "payload", "version"];
string[] types = ["BIGINT", "INT", "DATETIME", "TIMESTAMP NULL", "DECIMAL(12,2)", "VARCHAR(20)", "VARCHAR(200)", "CHAR(2)", "DECIMAL(10,2)", "INT",
    "BIGINT", "INT", "TEXT", "TINYINT(1)", "DOUBLE", "VARCHAR(40)", "VARCHAR(40)", "CHAR(3)", "JSON", "SMALLINT"];
var watch = Stopwatch.StartNew();
var databases = new List<string>();
for (var s = 0; s < Schemas; s++)
{
    var (database, _) = maria.CreateSource($"wide{s}");
    databases.Add(database);
}

for (var batch = 0; batch < tables; batch += 250)
{
    var ddl = new StringBuilder();
    for (var t = batch; t < Math.Min(batch + 250, tables); t++)
    {
        ddl.Append(CultureInfo.InvariantCulture, $"CREATE TABLE `{databases[t % Schemas]}`.t_{t} (");
        ddl.Append(string.Join(", ", Enumerable.Range(0, ColumnsPerTable).Select(c =>
            $"{names[c]}{(c == 0 ? string.Empty : "_" + (t % 7).ToString(CultureInfo.InvariantCulture))} {types[c]}{(c == 0 ? " PRIMARY KEY" : string.Empty)} COMMENT 'column {c}'")));
        ddl.Append(CultureInfo.InvariantCulture, $", KEY k_{t} (customer_id_{t % 7})) ENGINE=InnoDB COMMENT='Generated table number {t}';");
    }

    maria.Execute(null, ddl.ToString());
}

Console.WriteLine($"Created {tables:N0} tables x {ColumnsPerTable} columns in {Schemas} schemas in {watch.Elapsed.TotalSeconds:F0} s");

await using var node = new Node(postgres.ConnectionString(store));
await BenchStore.PrepareAsync(node, clock);

// A MySQL source names one database (schema): all tables are in one, the case where information_schema crawls.
var total = TimeSpan.Zero;
var queries = 0;
var synced = 0;
var columns = 0;
var sources = new List<Guid>();
foreach (var database in databases)
{
    var w = Stopwatch.StartNew();
    var created = await node.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
    {
        Name = database, Kind = DataSourceKind.MySql, Host = "127.0.0.1", Port = maria.Port, Database = database, UserName = MariaDbServer.AdminUser,
        Password = MariaDbServer.AdminPassword, SslMode = DataSourceSslMode.Disable,
    }));
    w.Stop();
    total += w.Elapsed;
    queries += created.Sync.QueryCount;
    synced += created.Sync.Tables;
    columns += created.Sync.Columns;
    sources.Add(created.Id);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {database}: {created.Sync.Status}, {created.Sync.Tables:N0} tables, {created.Sync.Columns:N0} columns, {created.Sync.QueryCount} queries, {w.Elapsed.TotalSeconds:F2} s{(created.Sync.Error is null ? "" : " — " + created.Sync.Error)}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Full sync: {synced:N0} tables, {columns:N0} columns, {queries} catalog queries, {total.TotalSeconds:F1} s"));

maria.Execute(databases[0], "ALTER TABLE t_1 ADD COLUMN added TEXT; ALTER TABLE t_11 DROP COLUMN note_4; DROP TABLE t_21; CREATE TABLE fresh (id INT PRIMARY KEY);");
var resync = Stopwatch.StartNew();
var again = await node.With<DataSourceService, CatalogSyncResult>(s => s.SyncAsync(sources[0]));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Resync of {databases[0]} (4 changes): {again.Status}, {again.Changes.Count} changes, {again.QueryCount} queries, {resync.Elapsed.TotalSeconds:F2} s; load {BenchStore.Load()}"));
postgres.DropDatabase(store);
