using AllData.Domain.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllData.Infrastructure.Identity;

/// <summary>First-start work: the schema, the first administrator and a first workspace.</summary>
public sealed class DatabaseSetup
{
    private readonly IDbContextFactory<AllDataDbContext> factory;
    private readonly UserManager<AppUser> users;
    private readonly TimeProvider clock;
    private readonly ILogger<DatabaseSetup> logger;

    internal DatabaseSetup(IDbContextFactory<AllDataDbContext> factory, UserManager<AppUser> users, TimeProvider clock, ILogger<DatabaseSetup> logger)
    {
        this.factory = factory;
        this.users = users;
        this.clock = clock;
        this.logger = logger;
    }

    public const string AdminUserName = "admin";
    public const string DefaultWorkspaceName = "Default";

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// Creates <c>admin</c> when the installation has no user yet, with <paramref name="password"/> or a generated one.
    /// Returns the password when it was generated (to print once), else null.
    /// </summary>
    public async Task<string?> EnsureAdminAsync(string? password, CancellationToken ct = default)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(ct))
        {
            return null;
        }

        var generated = string.IsNullOrEmpty(password) ? UserAdminService.GeneratePassword() : null;
        var admin = new AppUser
        {
            UserName = AdminUserName,
            DisplayName = "Administrator",
            IsSystemAdmin = true,
            CreatedAt = clock.GetUtcNow(),
        };
        UserAdminService.Check(await users.CreateAsync(admin, password is { Length: > 0 } ? password : generated!));

        var workspace = await db.Workspaces.OrderBy(w => w.CreatedAt).FirstOrDefaultAsync(ct);
        if (workspace is null)
        {
            workspace = new Workspace(DefaultWorkspaceName, clock.GetUtcNow());
            db.Workspaces.Add(workspace);
        }

        db.WorkspaceMembers.Add(new WorkspaceMember(workspace.Id, admin.Id, WorkspaceRole.Admin, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created the first administrator {UserName}", AdminUserName);
        return generated;
    }
}
