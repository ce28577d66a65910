using AllData.Domain.Catalog;
using AllData.Domain.Quality;
using AllData.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Quality;

internal sealed class QualityRuleConfiguration : IEntityTypeConfiguration<QualityRule>
{
    public void Configure(EntityTypeBuilder<QualityRule> builder)
    {
        builder.ToTable("quality_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(QualityRule.MaxNameLength).IsRequired();
        builder.Property(r => r.Description).HasMaxLength(QualityRule.MaxDescriptionLength);
        builder.Property(r => r.Severity).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Spec).AsJsonb();
        builder.Property(r => r.CreatedBy).HasMaxLength(256);
        builder.Ignore(r => r.Points);
        builder.HasOne<CatalogTable>().WithMany().HasForeignKey(r => r.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(r => r.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.TableId, r.Name }).IsUnique();
        builder.HasIndex(r => new { r.WorkspaceId, r.DataSourceId });
    }
}

internal sealed class QualityScanConfiguration : IEntityTypeConfiguration<QualityScan>
{
    public void Configure(EntityTypeBuilder<QualityScan> builder)
    {
        builder.ToTable("quality_scans");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.StartedBy).HasMaxLength(256);
        builder.Property(s => s.OverriddenBy).HasMaxLength(256);
        builder.Property(s => s.OverrideReason).HasMaxLength(500);
        builder.Property(s => s.Error).HasMaxLength(QualityScan.MaxErrorLength);
        builder.Ignore(s => s.Duration);
        builder.HasOne<CatalogTable>().WithMany().HasForeignKey(s => s.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(s => s.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.TableId, s.StartedAt });
        builder.HasIndex(s => new { s.WorkspaceId, s.StartedAt });
        builder.HasIndex(s => s.BatchId);
        builder.HasIndex(s => s.AfterRunId).HasFilter("after_run_id IS NOT NULL");
    }
}

internal sealed class QualityResultConfiguration : IEntityTypeConfiguration<QualityResult>
{
    public void Configure(EntityTypeBuilder<QualityResult> builder)
    {
        builder.ToTable("quality_results");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.RuleName).HasMaxLength(QualityRule.MaxNameLength);
        builder.Property(r => r.Severity).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Threshold).HasMaxLength(200);
        builder.Property(r => r.Error).HasMaxLength(QualityScan.MaxErrorLength);
        builder.Property(r => r.Samples).AsJsonb();
        builder.HasOne<QualityScan>().WithMany().HasForeignKey(r => r.ScanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<QualityRule>().WithMany().HasForeignKey(r => r.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.ScanId);
        builder.HasIndex(r => new { r.RuleId, r.At });
    }
}
