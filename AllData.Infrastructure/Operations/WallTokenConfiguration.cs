using AllData.Domain.Identity;
using AllData.Domain.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Operations;

internal sealed class WallTokenConfiguration : IEntityTypeConfiguration<WallToken>
{
    public void Configure(EntityTypeBuilder<WallToken> builder)
    {
        builder.ToTable("wall_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(WallToken.MaxNameLength);
        builder.Property(t => t.TokenHash).HasMaxLength(WallToken.HashLength).IsFixedLength();
        builder.Property(t => t.CreatedBy).HasMaxLength(JobRun.MaxStartedByLength);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.WorkspaceId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}
