using AllData.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using AllData.Bench;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// Catalog benchmark: a full sync of 5,000 tables x 20 columns, a resync, and search latency over the 100,000 stored columns.
const int Tables = 5000;
const int ColumnsPerTable = 20;
const int Searches = 300;
var clock = TimeProvider.System;

using var pg = BenchPostgres.Start();
pg.CreateDatabase("alldata");
pg.CreateDatabase("wide");

Console.WriteLine($"Creating {Tables} tables x {ColumnsPerTable} columns…");
string[] names = ["id", "customer_id", "created_at", "updated_at", "amount", "status", "email", "country", "price", "quantity",
    "order_id", "product_id", "note", "is_active", "score", "region", "channel", "currency", "payload", "version"];
string[] types = ["bigint", "integer", "timestamptz", "timestamp(3)", "numeric(12,2)", "varchar(20)", "text", "char(2)", "numeric(10,2)", "integer",
    "bigint", "integer", "text", "boolean", "double precision", "text", "varchar(40)", "char(3)", "jsonb", "smallint"];
await using (var conn = new NpgsqlConnection(pg.ConnectionString("wide")))
{
    await conn.OpenAsync();
    for (var batch = 0; batch < Tables; batch += 500)
    {
        var ddl = new System.Text.StringBuilder();
        for (var t = batch; t < Math.Min(batch + 500, Tables); t++)
        {
            var schema = $"s{t % 10}";
            if (t < 10)
            {
                ddl.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA {schema};");
            }

            ddl.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {schema}.t_{t} (");
            ddl.Append(string.Join(", ", Enumerable.Range(0, ColumnsPerTable).Select(c =>
                $"{names[c]}{(c == 0 ? string.Empty : "_" + (t % 7).ToString(CultureInfo.InvariantCulture))} {types[c]}{(c == 0 ? " PRIMARY KEY" : string.Empty)}")));
            ddl.Append(");");
            ddl.Append(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {schema}.t_{t} IS 'Generated table number {t}';");
        }

        await using var cmd = new NpgsqlCommand(ddl.ToString(), conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{PersistenceSetup.ConnectionName}"] = pg.ConnectionString("alldata") })
    .Build();
var services = new ServiceCollection();
services.AddLogging();
services.AddSingleton<IConfiguration>(configuration);
services.AddAllDataInfrastructure(configuration);
var user = new BenchUser();
services.AddSingleton<ICurrentUser>(user);
await using var provider = services.BuildServiceProvider();

var factory = provider.GetRequiredService<IDbContextFactory<AllDataDbContext>>();
await using (var db = await factory.CreateDbContextAsync())
{
    await db.Database.MigrateAsync();
    var workspace = new Workspace("Bench", clock.GetUtcNow());
    var appUser = new AppUser { UserName = "bench", NormalizedUserName = "BENCH", CurrentWorkspaceId = workspace.Id };
    db.Workspaces.Add(workspace);
    db.Users.Add(appUser);
    await db.SaveChangesAsync();
    db.WorkspaceMembers.Add(new WorkspaceMember(workspace.Id, appUser.Id, WorkspaceRole.Admin, clock.GetUtcNow()));
    await db.SaveChangesAsync();
    user.UserId = appUser.Id;
}

var input = new DataSourceInput
{
    Name = "wide", Host = "127.0.0.1", Port = pg.Port, Database = "wide", UserName = "postgres", Password = BenchPostgres.Password,
    SslMode = DataSourceSslMode.Disable,
};

Guid sourceId;
CatalogSyncResult first;
var watch = Stopwatch.StartNew();
await using (var scope = provider.CreateAsyncScope())
{
    var created = await scope.ServiceProvider.GetRequiredService<DataSourceService>().CreateAsync(input);
    (sourceId, first) = (created.Id, created.Sync);
}

watch.Stop();
Report("Full sync (first, 100,000 new columns)", first, watch.Elapsed);

await using (var conn = new NpgsqlConnection(pg.ConnectionString("wide")))
{
    await conn.OpenAsync();
    await using var cmd = new NpgsqlCommand(
        "ALTER TABLE s1.t_1 ADD COLUMN added text; ALTER TABLE s2.t_2 DROP COLUMN note_2; ALTER TABLE s3.t_3 ALTER COLUMN amount_3 TYPE numeric(14,2); DROP TABLE s4.t_4; CREATE TABLE s5.fresh (id int PRIMARY KEY);", conn);
    await cmd.ExecuteNonQueryAsync();
}

CatalogSyncResult second;
watch.Restart();
await using (var scope = provider.CreateAsyncScope())
{
    second = await scope.ServiceProvider.GetRequiredService<DataSourceService>().SyncAsync(sourceId);
}

watch.Stop();
Report("Resync (5 changes)", second, watch.Elapsed);

string[] terms = ["customer", "customer_id_3", "created", "amount", "t_4242", "status_1", "em", "payload", "generated table", "nomatch", "t_1", "s3", "price_5", "score"];
var latencies = new List<double>();
var perTerm = new Dictionary<string, double>();
await using (var scope = provider.CreateAsyncScope())
{
    var catalog = scope.ServiceProvider.GetRequiredService<CatalogService>();
    foreach (var term in terms)
    {
        await catalog.SearchAsync(term);
    }

    for (var i = 0; i < Searches; i++)
    {
        var term = terms[i % terms.Length];
        var w = Stopwatch.StartNew();
        await catalog.SearchAsync(term);
        latencies.Add(w.Elapsed.TotalMilliseconds);
        perTerm[term] = perTerm.GetValueOrDefault(term) + w.Elapsed.TotalMilliseconds;
    }
}

Console.WriteLine("Mean per term: " + string.Join(", ", perTerm.Select(p => $"'{p.Key}' {p.Value / (Searches / terms.Length):0.0} ms")));

latencies.Sort();
double P(double q) => latencies[(int)Math.Ceiling(q * latencies.Count) - 1];
Console.WriteLine($"Search over {first.Columns:N0} stored columns ({Searches} queries, {terms.Length} terms): p50 {P(0.50):0.0} ms, p95 {P(0.95):0.0} ms, max {latencies[^1]:0.0} ms");

if (Environment.GetEnvironmentVariable("ALLDATA_BENCH_EXPLAIN") == "1")
{
    Console.WriteLine(pg.ServerLog);
}

static void Report(string what, CatalogSyncResult result, TimeSpan elapsed) =>
    Console.WriteLine($"{what}: {result.Status}, {result.Tables:N0} tables, {result.Columns:N0} columns, {result.Changes.Count:N0} changes, " +
        $"{result.QueryCount} catalog queries, {elapsed.TotalSeconds:0.00} s end to end{(result.Error is null ? string.Empty : " — " + result.Error)}" +
        $" [{string.Join(", ", result.Phases.Select(p => $"{p.Key} {p.Value.TotalSeconds:0.00} s"))}]");

internal sealed class BenchUser : ICurrentUser
{
    public string? UserId { get; set; }
}
