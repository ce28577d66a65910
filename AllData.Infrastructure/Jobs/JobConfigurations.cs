using System.Text.Json;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AllData.Infrastructure.Jobs;

internal sealed class JobFolderConfiguration : IEntityTypeConfiguration<JobFolder>
{
    public void Configure(EntityTypeBuilder<JobFolder> builder)
    {
        builder.ToTable("job_folders");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Name).HasMaxLength(JobNames.MaxNameLength);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(f => f.WorkspaceId).OnDelete(DeleteBehavior.Cascade);

        // Deleting a folder is done by the tree service (subfolders and jobs first): the database refuses orphans.
        builder.HasOne<JobFolder>().WithMany().HasForeignKey(f => f.ParentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(f => new { f.WorkspaceId, f.ParentId, f.Name }).IsUnique().AreNullsDistinct(false);
    }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.Name).HasMaxLength(JobNames.MaxNameLength);
        builder.Property(j => j.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(j => j.DraftSql).HasColumnName("draft_sql");
        builder.Property(j => j.FlinkSettingsJson).HasColumnName("flink_settings").HasColumnType("jsonb");
        builder.Ignore(j => j.FlinkSettings);
        builder.Property(j => j.CreatedBy).HasMaxLength(Job.MaxUserLength);
        builder.Property(j => j.UpdatedBy).HasMaxLength(Job.MaxUserLength);

        // Every domain change bumps Version; EF checks it in the UPDATE's WHERE so two racing saves cannot both win.
        builder.Property(j => j.Version).IsConcurrencyToken();

        builder.Ignore(j => j.Variables);
        builder.Ignore(j => j.Timeout);
        builder.Property<Dictionary<string, string>>("_variables").HasColumnName("variables").VariablesAsJson();

        builder.HasOne<Workspace>().WithMany().HasForeignKey(j => j.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<JobFolder>().WithMany().HasForeignKey(j => j.FolderId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(j => new { j.WorkspaceId, j.FolderId, j.Name }).IsUnique().AreNullsDistinct(false);
    }
}

internal sealed class JobVersionConfiguration : IEntityTypeConfiguration<JobVersion>
{
    public void Configure(EntityTypeBuilder<JobVersion> builder)
    {
        builder.ToTable("job_versions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.SqlText).HasColumnName("sql_text");
        builder.Property(v => v.SettingsJson).HasColumnName("settings").HasColumnType("jsonb");
        builder.Property(v => v.Comment).HasMaxLength(JobVersion.MaxCommentLength);
        builder.Property(v => v.PublishedBy).HasMaxLength(Job.MaxUserLength);
        builder.Ignore(v => v.Variables);
        builder.Property<Dictionary<string, string>>("_variables").HasColumnName("variables").VariablesAsJson();

        builder.HasOne<Job>().WithMany().HasForeignKey(v => v.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.JobId, v.Number }).IsUnique();
    }
}

internal sealed class WorkspaceVariableConfiguration : IEntityTypeConfiguration<WorkspaceVariable>
{
    public void Configure(EntityTypeBuilder<WorkspaceVariable> builder)
    {
        builder.ToTable("workspace_variables");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedNever();
        builder.Property(v => v.Name).HasMaxLength(JobNames.MaxVariableNameLength);
        builder.Property(v => v.StoredValue).HasColumnName("value").HasMaxLength(WorkspaceVariable.MaxStoredValueLength);
        builder.Property(v => v.UpdatedBy).HasMaxLength(Job.MaxUserLength);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(v => v.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.WorkspaceId, v.Name }).IsUnique();
    }
}

internal static class VariableMapping
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    /// <summary>A name → value map stored as one jsonb object.</summary>
    public static PropertyBuilder<Dictionary<string, string>> VariablesAsJson(this PropertyBuilder<Dictionary<string, string>> property) =>
        property
            .HasColumnType("jsonb")
            .HasConversion(new ValueConverter<Dictionary<string, string>, string>(
                    v => JsonSerializer.Serialize(v, Options),
                    s => new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(s, Options) ?? new(), StringComparer.Ordinal)),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a != null && b != null && a.Count == b.Count && a.All(p => b.ContainsKey(p.Key) && b[p.Key] == p.Value),
                    v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value)),
                    v => new Dictionary<string, string>(v, StringComparer.Ordinal)))
            .UsePropertyAccessMode(PropertyAccessMode.Field);
}
