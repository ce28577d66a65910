using AllData.Web.Features.Operations;
using Microsoft.AspNetCore.Authentication;

namespace AllData.Web.Hubs;

/// <summary>The live hub, its event bridge and wall-token sign-in.</summary>
public static class LiveSetup
{
    public static IServiceCollection AddAllDataLive(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<LiveHubBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveHubBridge>());
        new AuthenticationBuilder(services).AddWallToken();

        // Requests authenticate through a selector: the Identity cookie as before, or a wall token on the three paths it opens.
        services.Configure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = WallTokenAuthentication.SelectorScheme);
        return services;
    }

    public static WebApplication MapAllDataLive(this WebApplication app)
    {
        app.MapHub<LiveHub>(WallTokenAuthentication.HubPath);
        return app;
    }
}
