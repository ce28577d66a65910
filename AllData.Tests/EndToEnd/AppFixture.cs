using AllData.Tests.Architecture;
using AllData.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;

namespace AllData.Tests.EndToEnd;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (its own migrated database, admin created by the app's start-up setup),
/// and headless Debian Chromium driven by Playwright.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public const string AdminPassword = "Admin-Passw0rd!";
    private readonly DatabaseFixture _database = new();
    private AppFactory? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = string.Empty;

    public IServiceProvider Services => _factory!.Services;

    public DatabaseFixture Database => _database;

    public static string ScreenshotDir { get; } = Path.Combine(RepoRoot.Path, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new AppFactory(_database.ConnectionString);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseUrl = _factory.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        // Assertions wait as long as actions: a loaded 2-core CI box can take seconds to push a render.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ScreenshotDir);
    }

    /// <summary>A fresh browser context (own cookies) with a page on it.</summary>
    public async Task<IPage> NewPageAsync(string? locale = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = locale ?? "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    private sealed class AppFactory(string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:AllData", connectionString);
            builder.UseSetting("ALLDATA_ADMIN_PASSWORD", AdminPassword);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            // Retries against a cluster a test stopped on purpose are expected: their stack traces bury the runner's report.
            builder.UseSetting("Logging:LogLevel:Polly", "None");
            builder.UseSetting("AllData:CreateDemoWarehouse", "false");
            builder.UseSetting("Flink:Tracker:HealthInterval", "00:00:01");
            builder.UseSetting("Flink:Tracker:ClusterRefreshInterval", "00:00:01");
            builder.UseSetting("Flink:Tracker:Interval", "00:00:00.500");
            builder.UseSetting("Flink:Tracker:SavepointPollInterval", "00:00:00.500");
            builder.UseSetting("Flink:Tracker:SavepointTimeout", "00:00:08");
            builder.UseSetting("Alerts:EvaluationSeconds", "1");
            builder.UseSetting("Scheduling:BackfillInterval", "00:00:01");
            builder.UseSetting("Alerts:DeliverySeconds", "1");
            builder.UseSetting("Alerts:EventSettleSeconds", "0");
            builder.UseSetting("Flink:Jars:Directory", Path.Combine(Path.GetTempPath(), "alldata-e2e-jars-" + Guid.NewGuid().ToString("N")[..8]));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}
