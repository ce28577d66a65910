using AllData.Domain.Identity;
using AllData.Domain.Operations;
using Microsoft.EntityFrameworkCore;
using AllData.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Operations;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("job_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Engine).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.StartedBy).HasMaxLength(JobRun.MaxStartedByLength);
        builder.Property(r => r.ErrorMessage).HasMaxLength(JobRun.MaxErrorLength);
        builder.Property(r => r.FlinkJobId).HasMaxLength(JobRun.MaxFlinkJobIdLength);
        builder.Property(r => r.ResultSummary).HasMaxLength(JobRun.MaxSummaryLength);
        builder.Property(r => r.RestorePath).HasMaxLength(JobRun.MaxRestorePathLength);
        builder.Property(r => r.OwnerInstanceId).HasMaxLength(JobRun.MaxOwnerLength);
        builder.Property(r => r.CancelRequestedBy).HasMaxLength(JobRun.MaxStartedByLength);
        builder.Ignore(r => r.Parameters);
        builder.Property<Dictionary<string, string>>("_parameters").HasColumnName("parameters").VariablesAsJson().HasDefaultValueSql("'{}'::jsonb");

        // The orchestrator and the Flink tracker may both move a run: the row's xmin makes the later writer retry.
        builder.Property<uint>("Version").IsRowVersion();

        builder.HasMany(r => r.History).WithOne().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(r => r.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId).OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(r => new { r.WorkspaceId, r.JobId, r.CreatedAt }).IsDescending(false, false, true);
        builder.HasIndex(r => new { r.WorkspaceId, r.CreatedAt }).IsDescending(false, true);
        builder.HasIndex(r => new { r.WorkspaceId, r.Status });
        builder.HasIndex(r => r.Status).HasFilter("status NOT IN ('Finished', 'Failed', 'Canceled')");
        // Recovery and the owners' heartbeats read the runs an instance holds.
        builder.HasIndex(r => r.OwnerInstanceId).HasFilter("owner_instance_id IS NOT NULL AND status NOT IN ('Finished', 'Failed', 'Canceled')");
        builder.HasIndex(r => r.FlinkJobId).HasFilter("flink_job_id IS NOT NULL");
        builder.HasIndex(r => r.FlinkClusterId).HasFilter("flink_cluster_id IS NOT NULL AND status NOT IN ('Finished', 'Failed', 'Canceled')");
    }
}

internal sealed class RunStatusChangeConfiguration : IEntityTypeConfiguration<RunStatusChange>
{
    public void Configure(EntityTypeBuilder<RunStatusChange> builder)
    {
        builder.ToTable("run_status_changes");
        builder.HasKey(c => c.Id);

        // Ids are Guid v7 made by the domain: a change found in a tracked run's history is new, never an update.
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.From).HasColumnName("from_status").HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.To).HasColumnName("to_status").HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Reason).HasMaxLength(RunStatusChange.MaxReasonLength);
        builder.HasIndex(c => new { c.RunId, c.At });

        // The wall's ticker reads the latest changes of a workspace.
        builder.HasIndex(c => new { c.WorkspaceId, c.At }).IsDescending(false, true);
    }
}

/// <summary>Log lines: an append-only table keyed by (run_id, seq); rows are inserted, never updated.</summary>
internal sealed class RunLogLineConfiguration : IEntityTypeConfiguration<RunLogLine>
{
    public void Configure(EntityTypeBuilder<RunLogLine> builder)
    {
        builder.ToTable("run_log_lines");
        builder.HasKey(l => new { l.RunId, l.Sequence });
        builder.Property(l => l.Sequence).HasColumnName("seq").ValueGeneratedNever();
        builder.Property(l => l.Level).HasConversion<string>().HasMaxLength(10);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
