using System.Text.Json;
using AllData.Domain.Catalog;
using AllData.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Catalog;

internal static class CatalogJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    /// <summary>Maps a value to a jsonb column, compared by its JSON text.</summary>
    public static PropertyBuilder<T> AsJsonb<T>(this PropertyBuilder<T> property) =>
        property.HasConversion(v => Write(v), s => Read<T>(s),
                new ValueComparer<T>((a, b) => Write(a) == Write(b), v => Write(v).GetHashCode(StringComparison.Ordinal), v => Read<T>(Write(v))))
            .HasColumnType("jsonb");

    /// <summary>Maps a read-only list of strings to a PostgreSQL text[].</summary>
    public static PropertyBuilder<IReadOnlyList<string>> AsTextArray(this PropertyBuilder<IReadOnlyList<string>> property) =>
        property.HasConversion(v => v.ToArray(), a => a.ToList(),
                new ValueComparer<IReadOnlyList<string>>((a, b) => a!.SequenceEqual(b!), v => string.Join('\u001f', v).GetHashCode(StringComparison.Ordinal), v => v.ToList()))
            .HasColumnType("text[]");
}

internal sealed class DataSourceConfiguration : IEntityTypeConfiguration<DataSource>
{
    public void Configure(EntityTypeBuilder<DataSource> builder)
    {
        builder.ToTable("data_sources");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(DataSource.MaxNameLength).IsRequired();
        builder.Property(d => d.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.SslMode).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Host).HasMaxLength(255);
        builder.Property(d => d.Database).HasMaxLength(63);
        builder.Property(d => d.UserName).HasMaxLength(63);
        builder.Property(d => d.Options).UsePropertyAccessMode(PropertyAccessMode.Property).AsJsonb();
        builder.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.WorkspaceId, d.Name }).IsUnique();
    }
}

internal sealed class CatalogSchemaConfiguration : IEntityTypeConfiguration<CatalogSchema>
{
    public void Configure(EntityTypeBuilder<CatalogSchema> builder)
    {
        builder.ToTable("catalog_schemas");
        builder.HasKey(s => s.Id);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(s => s.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.DataSourceId, s.Name }).IsUnique();
    }
}

internal sealed class CatalogTableConfiguration : IEntityTypeConfiguration<CatalogTable>
{
    public void Configure(EntityTypeBuilder<CatalogTable> builder)
    {
        builder.ToTable("catalog_tables");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.PrimaryKey).AsJsonb();
        builder.Property(t => t.UniqueConstraints).AsJsonb();
        builder.Property(t => t.ForeignKeys).AsJsonb();
        builder.Property(t => t.Indexes).AsJsonb();
        builder.Property(t => t.Tags).AsTextArray();
        builder.Property(t => t.Owner).HasMaxLength(120);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(t => t.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.DataSourceId, t.SchemaName, t.Name }).IsUnique();
        builder.HasIndex(t => t.WorkspaceId);
        builder.HasIndex(t => t.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class CatalogColumnConfiguration : IEntityTypeConfiguration<CatalogColumn>
{
    public void Configure(EntityTypeBuilder<CatalogColumn> builder)
    {
        builder.ToTable("catalog_columns");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Generation).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Tags).AsTextArray();
        builder.HasOne<CatalogTable>().WithMany().HasForeignKey(c => c.TableId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.TableId, c.Name }).IsUnique();
        builder.HasIndex(c => new { c.WorkspaceId, c.DataSourceId });
        builder.HasIndex(c => c.SearchText).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class CatalogSyncRunConfiguration : IEntityTypeConfiguration<CatalogSyncRun>
{
    public void Configure(EntityTypeBuilder<CatalogSyncRun> builder)
    {
        builder.ToTable("catalog_sync_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.HasOne<DataSource>().WithMany().HasForeignKey(r => r.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.DataSourceId, r.StartedAt });
    }
}

internal sealed class CatalogChangeConfiguration : IEntityTypeConfiguration<CatalogChange>
{
    public void Configure(EntityTypeBuilder<CatalogChange> builder)
    {
        builder.ToTable("catalog_changes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(c => c.Aspects).HasConversion<int>();
        builder.HasOne<CatalogSyncRun>().WithMany().HasForeignKey(c => c.SyncRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.DataSourceId, c.SchemaName, c.TableName, c.At });
        builder.HasIndex(c => c.SyncRunId);
    }
}
