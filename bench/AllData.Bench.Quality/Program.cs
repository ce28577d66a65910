using System.Diagnostics;
using System.Globalization;
using AllData.Domain.Catalog;
using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Persistence;
using AllData.Infrastructure.Quality;
using AllData.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Quality benchmark (issue 12): 20 rules on one 5,000,000-row table, scanned as AllData compiles them (one aggregate
// query plus one per unique rule) against a bare SELECT count(*) of the same table, and against one query per rule
// (as peers run them). Everything on the same throwaway PostgreSQL, in the same run, each measured 3 times (median).
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000_000;
const int Repeats = 3;
var clock = TimeProvider.System;
var server = PostgresServer.Instance;
var store = server.CreateDatabase("qbench");
var warehouse = server.CreateDatabase("qbig");

Console.WriteLine($"# Quality benchmark, {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {BenchStore.Load()}");
var watch = Stopwatch.StartNew();
await using (var conn = new NpgsqlConnection(server.ConnectionString(warehouse)))
{
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand($"""
        CREATE TABLE public.events (
            id bigint PRIMARY KEY, user_id int NOT NULL, amount numeric(12,2), status text, country char(2), email text,
            created_at timestamptz NOT NULL, score double precision, note text);
        INSERT INTO public.events
        SELECT g, g % 200000, (g % 10000) / 10.0, (ARRAY['new','paid','shipped','returned'])[1 + g % 4], (ARRAY['DE','FR','CN','US'])[1 + g % 4],
               CASE WHEN g % 1000 = 0 THEN NULL ELSE 'u' || (g % 200000) || '@example.com' END,
               now() - (g % 86400) * interval '1 second', (g % 97) / 97.0, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END
        FROM generate_series(1, {rows}) g;
        """, conn) { CommandTimeout = 1800 };
    await cmd.ExecuteNonQueryAsync();
    await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE public.events", conn) { CommandTimeout = 1800 };
    await vacuum.ExecuteNonQueryAsync();
}

Console.WriteLine($"Generated {rows:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
await using var node = new Node(server.ConnectionString(store));
var workspace = await BenchStore.PrepareAsync(node, clock);
var source = (await node.With<DataSourceService, DataSourceCreated>(s => s.CreateAsync(new DataSourceInput
{
    Name = "big", Host = "127.0.0.1", Port = server.Port, Database = warehouse, UserName = PostgresServer.SuperUser,
    Password = PostgresServer.SuperPassword, SslMode = DataSourceSslMode.Disable,
}))).Id;
Guid tableId;
await using (var db = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync())
{
    tableId = await db.Set<CatalogTable>().IgnoreQueryFilters().Where(t => t.DataSourceId == source && t.Name == "events").Select(t => t.Id).SingleAsync();
}

// 20 rules, every kind the aggregate can hold plus one uniqueness rule; thresholds that pass, so no samples are read.
QualityRuleSpec Spec(QualityRuleType type, string? column, QualityThreshold threshold, decimal? lower = null, decimal? upper = null,
    IReadOnlyList<string>? values = null, string? pattern = null, string? filter = null) => new()
{
    Type = type, Columns = column is null ? [] : [column], Threshold = threshold, Lower = lower, Upper = upper, Values = values ?? [], Pattern = pattern, Filter = filter,
};
var big = QualityThreshold.AtMost(rows);
(string Name, QualityRuleSpec Spec)[] rules =
[
    ("rows", Spec(QualityRuleType.RowCount, null, QualityThreshold.Between(1, rows))),
    ("fresh", Spec(QualityRuleType.Freshness, "created_at", QualityThreshold.AtMost(48))),
    ("email present", Spec(QualityRuleType.NotNull, "email", QualityThreshold.PercentAtMost(1))),
    ("amount present", Spec(QualityRuleType.NotNull, "amount", big)),
    ("status present", Spec(QualityRuleType.NotNull, "status", big)),
    ("note present", Spec(QualityRuleType.NotNull, "note", QualityThreshold.PercentAtMost(50))),
    ("amount range", Spec(QualityRuleType.ValueBetween, "amount", big, 0, 1000)),
    ("score range", Spec(QualityRuleType.ValueBetween, "score", big, 0, 1)),
    ("user range", Spec(QualityRuleType.ValueBetween, "user_id", big, 0, 1_000_000)),
    ("status set", Spec(QualityRuleType.InSet, "status", big, values: ["new", "paid", "shipped", "returned"])),
    ("country set", Spec(QualityRuleType.InSet, "country", big, values: ["DE", "FR", "CN", "US"])),
    ("email shape", Spec(QualityRuleType.Regex, "email", big, pattern: "^[a-z0-9]+@[a-z.]+$")),
    ("note length", Spec(QualityRuleType.LengthBetween, "note", big, 2, 12)),
    ("email length", Spec(QualityRuleType.LengthBetween, "email", big, 5, 40)),
    ("min amount", Spec(QualityRuleType.Min, "amount", QualityThreshold.Between(0, null))),
    ("max amount", Spec(QualityRuleType.Max, "amount", QualityThreshold.AtMost(1000))),
    ("avg score", Spec(QualityRuleType.Avg, "score", QualityThreshold.Between(0, 1))),
    ("sum amount", Spec(QualityRuleType.Sum, "amount", QualityThreshold.Between(0, null))),
    ("paid amounts", Spec(QualityRuleType.NotNull, "amount", big, filter: "status = 'paid'")),
    ("unique id", Spec(QualityRuleType.Unique, "id", QualityThreshold.AtMost(0))),
];
foreach (var (name, spec) in rules)
{
    await node.With<QualityRuleService, QualityRuleRow>(s => s.CreateAsync(tableId, new QualityRuleInput { Name = name, Spec = spec, Severity = QualitySeverity.Failure, Weight = 1 }));
}

async Task<double> TimeAsync(Func<Task> action)
{
    var times = new List<double>();
    for (var i = 0; i < Repeats; i++)
    {
        var w = Stopwatch.StartNew();
        await action();
        times.Add(w.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[Repeats / 2];
}

async Task ExecuteAsync(string sql, IReadOnlyList<object> parameters)
{
    await using var conn = new NpgsqlConnection(server.ConnectionString(warehouse));
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 1800 };
    foreach (var p in parameters)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = p });
    }

    await cmd.ExecuteScalarAsync();
}

var bare = await TimeAsync(() => ExecuteAsync("SELECT count(*) FROM public.events", []));
// A scan that reads every checked column without judging anything: what reading the values costs.
var reading = await TimeAsync(() => ExecuteAsync(
    "SELECT count(id), count(user_id), count(amount), count(status), count(country), count(email), count(created_at), count(score), count(note) FROM public.events", []));
QualityScanRow? last = null;
var scan = await TimeAsync(async () => last = await node.With<QualityScanService, QualityScanRow>(s => s.RunScanAsync(tableId)));

// Peers' way: one query per rule (each rule compiled alone: its own aggregate, or its own duplicates query).
List<(string Sql, IReadOnlyList<object> Parameters)> perRule = [];
await using (var scope = node.Services.CreateAsyncScope())
await using (var db = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync())
{
    var scanner = scope.ServiceProvider.GetRequiredService<QualityScanner>();
    db.WorkspaceId = workspace;
    var stored = await db.Set<QualityRule>().IgnoreQueryFilters().Where(r => r.TableId == tableId).ToListAsync();
    var target = await QualityScanner.LoadAsync(db, tableId, stored, default);
    var compiler = scanner.CompilerFor(DataSourceKind.PostgreSql);
    foreach (var rule in stored)
    {
        var one = compiler.CompileOne(target.Shape, rule, target.References);
        perRule.Add(one.RuleQueries.Count > 0 ? (one.RuleQueries[0].Query.Sql, one.RuleQueries[0].Query.Parameters) : (one.Aggregate.Sql, one.Aggregate.Parameters));
    }
}

if (Environment.GetEnvironmentVariable("ALLDATA_BENCH_EXPLAIN") == "1")
{
    await using var scope = node.Services.CreateAsyncScope();
    await using var db = await node.Services.GetRequiredService<IDbContextFactory<AllDataDbContext>>().CreateDbContextAsync();
    db.WorkspaceId = workspace;
    var stored = await db.Set<QualityRule>().Where(r => r.TableId == tableId).ToListAsync();
    var target = await QualityScanner.LoadAsync(db, tableId, stored, default);
    var compiled = scope.ServiceProvider.GetRequiredService<QualityScanner>().CompilerFor(DataSourceKind.PostgreSql).Compile(target.Shape, stored, target.References);
    foreach (var query in new[] { compiled.Aggregate }.Concat(compiled.RuleQueries.Select(q => q.Query)))
    {
        await using var conn = new NpgsqlConnection(server.ConnectionString(warehouse));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + query.Sql, conn) { CommandTimeout = 1800 };
        foreach (var p in query.Parameters)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        Console.WriteLine(query.Sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine("  " + reader.GetString(0));
        }
    }
}

var each = await TimeAsync(async () =>
{
    foreach (var (sql, parameters) in perRule)
    {
        await ExecuteAsync(sql, parameters);
    }
});

Console.WriteLine("| rows | bare count(*) | count of every checked column | AllData scan (20 rules) | ÷ bare | queries | one query per rule (20) | ÷ bare |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {rows:N0} | {bare:F0} ms | {reading:F0} ms | {scan:F0} ms | {scan / bare:F2}x | {last!.QueryCount} | {each:F0} ms | {each / bare:F2}x |"));
Console.WriteLine($"Scan status {last.Status}, score {last.Score}, rows scanned {last.RowsScanned:N0}; load {BenchStore.Load()}");
server.DropDatabase(store);
server.DropDatabase(warehouse);
