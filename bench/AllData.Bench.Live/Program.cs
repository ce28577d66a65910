using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

internal static class LiveBench
{
    public static async Task Main(string[] args)
    {
        // Live-updates benchmark (issue 6): N hub clients on loopback receive coalesced run-status events; one viewer tails a log.
        // Usage: dotnet run -c Release --project bench/AllData.Bench.Live -- [clients...]   (default: 500 1000)
        var clientCounts = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [500, 1000];
        const int Runs = 20;
        const int EventsPerRunPerSecond = 10;
        var measure = TimeSpan.FromSeconds(10);

        var server = PostgresServer.Instance;
        var database = server.CreateDatabase("bench");
        await using var factory = new BenchFactory(server.ConnectionString(database));
        factory.UseKestrel(0);
        factory.StartServer();
        var baseUrl = factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var services = factory.Services;

        var (cookie, workspaceId) = await AdminAsync(services);
        var events = services.GetRequiredService<ILiveEvents>();
        var clock = TimeProvider.System;
        var results = new List<string>();

        foreach (var count in clientCounts)
        {
            GC.Collect();
            var heapBefore = GC.GetTotalMemory(true);
            var rssBefore = Environment.WorkingSet;
            var latencies = new ConcurrentBag<double>();
            var connections = new List<HubConnection>();
            var connect = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(0, count).Chunk(50))
            {
                var batch = await Task.WhenAll(chunk.Select(async _ =>
                {
                    var c = new HubConnectionBuilder()
                        .WithUrl(baseUrl + "/hubs/live", o => o.Headers.Add("Cookie", $"alldata.auth={cookie}"))
                        .Build();
                    c.On<IReadOnlyList<LiveRunStatus>>("RunStatus", changes =>
                    {
                        var now = clock.GetUtcNow();
                        foreach (var change in changes)
                        {
                            latencies.Add((now - change.At).TotalMilliseconds);
                        }
                    });
                    await c.StartAsync();
                    await c.InvokeAsync("JoinWorkspace", workspaceId);
                    return c;
                }));
                connections.AddRange(batch);
            }

            connect.Stop();
            GC.Collect();
            var heapConnected = GC.GetTotalMemory(true);
            var rssConnected = Environment.WorkingSet;

            // Publish status changes of Runs runs, EventsPerRunPerSecond each, for the measured time.
            var runIds = Enumerable.Range(0, Runs).Select(_ => Guid.NewGuid()).ToArray();
            var published = 0;
            var period = TimeSpan.FromMilliseconds(1000.0 / EventsPerRunPerSecond);
            var until = Stopwatch.StartNew();
            while (until.Elapsed < measure)
            {
                foreach (var run in runIds)
                {
                    var status = published % 2 == 0 ? RunStatus.Running : RunStatus.Restarting;
                    events.Publish(new RunStatusChanged(workspaceId, run, run, status, null, clock.GetUtcNow(), null));
                    published++;
                }

                await Task.Delay(period);
            }

            await Task.Delay(1000);
            var peakRss = Environment.WorkingSet;
            var sorted = latencies.Order().ToArray();
            double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            var line = string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {published} | {sorted.Length} | {P(0.50):0} | {P(0.95):0} | {P(0.99):0} | {sorted.LastOrDefault():0} | " +
                $"{(heapConnected - heapBefore) / 1024.0 / 1024:0.0} | {(rssConnected - rssBefore) / 1024.0 / 1024:0} | {peakRss / 1024.0 / 1024:0} | {connect.Elapsed.TotalSeconds:0.0} |");
            Console.WriteLine(line);
            results.Add(line);
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }

        // Log tail: one viewer, lines published in batches of 100 as fast as the recorder's events would come.
        var logLine = await LogTailAsync(services, baseUrl, cookie, workspaceId, events, clock);
        Console.WriteLine(logLine);

        Console.WriteLine();
        Console.WriteLine("| clients | events published | client deliveries | p50 ms | p95 ms | p99 ms | max ms | heap for connections MB | RSS for connections MB | process RSS MB | connect s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        results.ForEach(Console.WriteLine);
        Console.WriteLine(logLine);
        server.DropDatabase(database);

    }

    private static async Task<(string Cookie, Guid WorkspaceId)> AdminAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = await users.FindByNameAsync(DatabaseSetup.AdminUserName) ?? throw new InvalidOperationException("No admin.");
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(admin);
        var options = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var cookie = options.TicketDataFormat.Protect(new AuthenticationTicket(principal, IdentityConstants.ApplicationScheme));
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AllData.Infrastructure.Persistence.AllDataDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var workspaceId = await db.WorkspaceMembers.Where(m => m.UserId == admin.Id).Select(m => m.WorkspaceId).FirstAsync();
        return (cookie, workspaceId);
    }

    private static async Task<string> LogTailAsync(IServiceProvider services, string baseUrl, string cookie, Guid workspaceId, ILiveEvents events, TimeProvider clock)
    {
        var recorder = services.GetRequiredService<RunRecorder>();
        var run = await recorder.CreateAsync(new JobRun(workspaceId, Guid.NewGuid(), null, RunTrigger.Manual, null, RunEngine.DatabaseSql, clock.GetUtcNow()));
        long received = 0, skipped = 0;
        await using var viewer = new HubConnectionBuilder()
            .WithUrl(baseUrl + "/hubs/live", o => o.Headers.Add("Cookie", $"alldata.auth={cookie}"))
            .Build();
        viewer.On<LiveLogBatch>("RunLog", b =>
        {
            Interlocked.Add(ref received, b.Lines.Count);
            Interlocked.Add(ref skipped, b.Skipped);
        });
        await viewer.StartAsync();
        await viewer.InvokeAsync("WatchRun", run.Id);
        var seq = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            var lines = Enumerable.Range(0, 100)
                .Select(_ => new RunLogEntry(++seq, clock.GetUtcNow(), RunLogLevel.Info, "INSERT INTO sales SELECT * FROM staging WHERE day = '2026-11-24' -- 42 rows"))
                .ToList();
            events.Publish(new RunLogAppended(workspaceId, run.Id, lines));
            await Task.Delay(1);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await Task.Delay(1000);
        return string.Create(CultureInfo.InvariantCulture,
            $"Log tail to one viewer: {seq / seconds:0} lines/s published, {Interlocked.Read(ref received) / seconds:0} lines/s delivered, {Interlocked.Read(ref skipped)} reported skipped");
    }
}

internal sealed class BenchFactory(string connectionString) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:AllData", connectionString);
        builder.UseSetting("ALLDATA_ADMIN_PASSWORD", "Bench-Passw0rd!");
        builder.UseSetting("AllData:CreateDemoWarehouse", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
