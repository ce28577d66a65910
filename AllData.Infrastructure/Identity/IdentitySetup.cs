using AllData.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllData.Infrastructure.Identity;

public static class IdentitySetup
{
    /// <summary>Users, sign-in, lockout, workspaces, memberships and the role policies.</summary>
    public static IServiceCollection AddAllDataIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = false;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddEntityFrameworkStores<AllDataDbContext>()
            .AddSignInManager<AppSignInManager>()
            .AddDefaultTokenProviders();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorization(o => o.AddAllDataPolicies());
        services.AddScoped<IAuthorizationHandler, WorkspaceAuthorizationHandler>();
        services.AddScopedInternal<WorkspaceContext>();
        services.AddScopedInternal<MemberService>();
        services.AddScopedInternal<WorkspaceAdminService>();
        services.AddScopedInternal<UserAdminService>();
        services.AddScopedInternal<UserPreferences>();
        services.AddScopedInternal<DatabaseSetup>();
        services.AddScoped(sp => new ApiTokenService(
            sp.GetRequiredService<IDbContextFactory<AllDataDbContext>>(), sp.GetRequiredService<WorkspaceContext>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
