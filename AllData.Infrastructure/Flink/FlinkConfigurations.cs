using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Domain.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Flink;

internal sealed class FlinkClusterConfiguration : IEntityTypeConfiguration<FlinkCluster>
{
    public void Configure(EntityTypeBuilder<FlinkCluster> builder)
    {
        builder.ToTable("flink_clusters");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(FlinkCluster.MaxNameLength);
        builder.Property(c => c.JobManagerUrl).HasMaxLength(FlinkCluster.MaxUrlLength);
        builder.Property(c => c.SqlGatewayUrl).HasMaxLength(FlinkCluster.MaxUrlLength);
        builder.Property(c => c.HistoryServerUrl).HasMaxLength(FlinkCluster.MaxUrlLength);
        builder.Property(c => c.HealthStatus).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.FlinkVersion).HasMaxLength(50);
        builder.Property(c => c.LastError).HasMaxLength(FlinkCluster.MaxErrorLength);
        builder.Ignore(c => c.HasAuthHeader);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.WorkspaceId, c.Name }).IsUnique();
    }
}

internal sealed class FlinkSnapshotConfiguration : IEntityTypeConfiguration<FlinkSnapshot>
{
    public void Configure(EntityTypeBuilder<FlinkSnapshot> builder)
    {
        builder.ToTable("flink_snapshots");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.FlinkJobId).HasMaxLength(JobRun.MaxFlinkJobIdLength);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Path).HasMaxLength(FlinkSnapshot.MaxPathLength);
        builder.HasIndex(s => new { s.JobId, s.CompletedAt }).IsDescending(false, true);
        builder.HasIndex(s => new { s.FlinkJobId, s.Path }).IsUnique();
    }
}

internal sealed class FlinkSavepointOperationConfiguration : IEntityTypeConfiguration<FlinkSavepointOperation>
{
    public void Configure(EntityTypeBuilder<FlinkSavepointOperation> builder)
    {
        builder.ToTable("flink_savepoint_operations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.FlinkJobId).HasMaxLength(JobRun.MaxFlinkJobIdLength);
        builder.Property(o => o.TriggerId).HasMaxLength(64);
        builder.Property(o => o.RequestedBy).HasMaxLength(200);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.Location).HasMaxLength(FlinkSnapshot.MaxPathLength);
        builder.Property(o => o.Error).HasMaxLength(4000);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(o => o.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => new { o.RunId, o.StartedAt });
    }
}

internal sealed class FlinkMetricSampleConfiguration : IEntityTypeConfiguration<FlinkMetricSample>
{
    public void Configure(EntityTypeBuilder<FlinkMetricSample> builder)
    {
        builder.ToTable("flink_metric_samples");
        builder.HasKey(s => new { s.RunId, s.ResolutionSeconds, s.Bucket });
        builder.HasOne<JobRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ResolutionSeconds, s.Bucket });
    }
}
