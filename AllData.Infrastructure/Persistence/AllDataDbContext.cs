using System.Linq.Expressions;
using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Persistence;

/// <summary>
/// The one metadata store. Workspace-owned entities are filtered to <see cref="WorkspaceId"/>:
/// a context without a workspace sees none of them.
/// </summary>
internal sealed class AllDataDbContext(DbContextOptions<AllDataDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    /// <summary>The workspace this context reads and writes; set by <see cref="AppDb"/>.</summary>
    public Guid? WorkspaceId { get; set; }

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");

        // Identity names its tables explicitly (AspNetUsers …); keep the store's snake_case throughout.
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<IdentityRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.ApplyConfigurationsFromAssembly(typeof(AllDataDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes()
                     .Where(e => typeof(IWorkspaceOwned).IsAssignableFrom(e.ClrType) && e.BaseType is null))
        {
            builder.Entity(entity.ClrType).HasQueryFilter(WorkspaceFilter(entity.ClrType));
        }
    }

    private LambdaExpression WorkspaceFilter(Type type)
    {
        // e => (Guid?)e.WorkspaceId == this.WorkspaceId
        var e = Expression.Parameter(type, "e");
        var owned = Expression.Convert(Expression.Property(e, nameof(IWorkspaceOwned.WorkspaceId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(WorkspaceId));
        return Expression.Lambda(Expression.Equal(owned, current), e);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardWorkspace();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardWorkspace();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>A context bound to a workspace never writes another workspace's rows.</summary>
    private void GuardWorkspace()
    {
        if (WorkspaceId is not { } workspace)
        {
            return;
        }

        foreach (var entry in ChangeTracker.Entries<IWorkspaceOwned>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && entry.Entity.WorkspaceId != workspace)
            {
                throw new InvalidOperationException(
                    $"A {entry.Metadata.ClrType.Name} of another workspace cannot be written here.");
            }
        }
    }
}
