using System.Globalization;
using AllData.Infrastructure.Catalog;
using AllData.Infrastructure.Identity;
using AllData.Web.Api;
using AllData.Web.Components;
using AllData.Web.Components.Shared;
using AllData.Web.Features.Identity;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using MudBlazor.Services;

namespace AllData.Web;

/// <summary>The composition root of the web layer: Program.cs reads like a table of contents of these.</summary>
public static class WebSetup
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("zh-CN")];

    public static IServiceCollection AddAllDataWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AllDataOptions>().Bind(configuration.GetSection(AllDataOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.PreventDuplicates = false;
            o.SnackbarConfiguration.VisibleStateDuration = 5000;
        });
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddTransient<MudLocalizer, AllDataMudLocalizer>();

        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/access-denied";
            o.Cookie.Name = "alldata.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(7);
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddHttpContextAccessor();

        services.AddScoped<CurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<CircuitHandler, CurrentUserCircuitHandler>();
        return services;
    }

    /// <summary>Migrates the store and creates the first administrator, unless AllData:SetupOnStart is false.</summary>
    public static async Task RunSetupAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection(AllDataOptions.Section).Get<AllDataOptions>() ?? new AllDataOptions();
        if (!options.SetupOnStart)
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var setup = scope.ServiceProvider.GetRequiredService<DatabaseSetup>();
        await setup.MigrateAsync();
        var generated = await setup.EnsureAdminAsync(app.Configuration["ALLDATA_ADMIN_PASSWORD"]);
        if (generated is not null)
        {
            // Printed once, on purpose, to the console only: the operator needs it to sign in the first time.
            Console.WriteLine();
            Console.WriteLine("  AllData created the first administrator.");
            Console.WriteLine($"  user: {DatabaseSetup.AdminUserName}   password: {generated}");
            Console.WriteLine("  Change it under Admin > Users after signing in; it is not shown again.");
            if (options.InitialAdminPasswordFile is { Length: > 0 } file)
            {
                await File.WriteAllTextAsync(file, generated + Environment.NewLine);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                Console.WriteLine($"  (Also kept, readable by this user only, in {file}.)");
            }

            Console.WriteLine();
        }

        if (options.CreateDemoWarehouse)
        {
            try
            {
                await scope.ServiceProvider.GetRequiredService<DemoWarehouseSetup>().EnsureAsync();
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                // The demo is a convenience: the app serves without it, and the next start tries again.
                app.Logger.LogWarning(e, "Could not prepare the demo warehouse");
            }
        }
    }

    public static WebApplication UseAllDataPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // An address no endpoint answers renders the app's own not-found page (signed in or not), not the bare 404.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseRequestLocalization(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        app.UseAllDataApiErrors();
        app.UseAuthentication();
        app.UseMiddleware<CurrentUserMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapAllDataEndpoints(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
