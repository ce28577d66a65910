using AllData.Domain.Alerts;
using AllData.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Alerts;

internal sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRule>
{
    public void Configure(EntityTypeBuilder<AlertRule> builder)
    {
        builder.ToTable("alert_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Name).HasMaxLength(AlertRule.MaxNameLength);
        builder.Property(r => r.CreatedBy).HasMaxLength(AlertRule.MaxUserLength);
        builder.Property(r => r.UpdatedBy).HasMaxLength(AlertRule.MaxUserLength);
        builder.OwnsOne(r => r.Scope, s =>
        {
            s.Property(x => x.Kind).HasColumnName("scope_kind").HasConversion<string>().HasMaxLength(20);
            s.Property(x => x.TargetId).HasColumnName("scope_target_id");
            s.Property(x => x.TableName).HasColumnName("scope_table").HasMaxLength(AlertScope.MaxTableNameLength);
        });
        builder.Navigation(r => r.Scope).IsRequired();
        builder.OwnsOne(r => r.Condition, c =>
        {
            c.Property(x => x.Kind).HasColumnName("condition_kind").HasConversion<string>().HasMaxLength(30);
            c.Property(x => x.Minutes).HasColumnName("condition_minutes");
            c.Property(x => x.Count).HasColumnName("condition_count");
            c.Property(x => x.WindowMinutes).HasColumnName("condition_window_minutes");
            c.Property(x => x.MedianFactor).HasColumnName("condition_median_factor");
            c.Property(x => x.Hours).HasColumnName("condition_hours");
            c.Property(x => x.ScoreBelow).HasColumnName("condition_score_below");
        });
        builder.Navigation(r => r.Condition).IsRequired();
        builder.Property<List<Guid>>("_channelIds").HasColumnName("channel_ids");
        builder.Ignore(r => r.ChannelIds);
        builder.Ignore(r => r.Timing);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.WorkspaceId, r.Name }).IsUnique();
    }
}

internal sealed class AlertChannelConfiguration : IEntityTypeConfiguration<AlertChannel>
{
    public void Configure(EntityTypeBuilder<AlertChannel> builder)
    {
        builder.ToTable("alert_channels");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(AlertChannel.MaxNameLength);
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.SettingsJson).HasColumnType("jsonb");
        builder.Property(c => c.UrlHint).HasMaxLength(300);
        builder.Property(c => c.UpdatedBy).HasMaxLength(200);
        builder.Ignore(c => c.Settings);
        builder.Ignore(c => c.MaxPerMinute);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.WorkspaceId, c.Name }).IsUnique();
    }
}

internal sealed class AlertInstanceConfiguration : IEntityTypeConfiguration<AlertInstance>
{
    public void Configure(EntityTypeBuilder<AlertInstance> builder)
    {
        builder.ToTable("alert_instances");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.SubjectKey).HasMaxLength(AlertInstance.MaxSubjectKeyLength);
        builder.Property(i => i.SubjectName).HasMaxLength(AlertInstance.MaxSubjectNameLength);
        builder.Property(i => i.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Reason).HasMaxLength(AlertInstance.MaxReasonLength);
        builder.Property(i => i.AcknowledgedBy).HasMaxLength(200);
        builder.Ignore(i => i.IsActive);
        builder.Property<uint>("Version").IsRowVersion();
        builder.HasOne<AlertRule>().WithMany().HasForeignKey(i => i.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => new { i.RuleId, i.SubjectKey }).IsUnique();
        builder.HasIndex(i => new { i.WorkspaceId, i.State });
    }
}

internal sealed class AlertEventConfiguration : IEntityTypeConfiguration<AlertEvent>
{
    public void Configure(EntityTypeBuilder<AlertEvent> builder)
    {
        builder.ToTable("alert_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.SubjectKey).HasMaxLength(AlertInstance.MaxSubjectKeyLength);
        builder.Property(e => e.SubjectName).HasMaxLength(AlertInstance.MaxSubjectNameLength);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Reason).HasMaxLength(AlertInstance.MaxReasonLength);
        builder.HasOne<AlertInstance>().WithMany().HasForeignKey(e => e.InstanceId).OnDelete(DeleteBehavior.Cascade);

        // One transition of one alert is recorded once, whichever instance evaluated it.
        builder.HasIndex(e => new { e.InstanceId, e.Sequence }).IsUnique();
        builder.HasIndex(e => new { e.WorkspaceId, e.At }).IsDescending(false, true);
    }
}

internal sealed class AlertNotificationConfiguration : IEntityTypeConfiguration<AlertNotification>
{
    public void Configure(EntityTypeBuilder<AlertNotification> builder)
    {
        builder.ToTable("alert_notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.SubjectKey).HasMaxLength(AlertInstance.MaxSubjectKeyLength);
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.LastError).HasMaxLength(2000);
        builder.Property<Guid?>("ClaimedBy").HasColumnName("claimed_by");
        builder.Property<DateTimeOffset?>("ClaimedUntil").HasColumnName("claimed_until");
        builder.HasOne<AlertEvent>().WithMany().HasForeignKey(n => n.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AlertChannel>().WithMany().HasForeignKey(n => n.ChannelId).OnDelete(DeleteBehavior.Cascade);

        // Exactly once: one row per rule, subject, transition and channel.
        builder.HasIndex(n => new { n.RuleId, n.SubjectKey, n.Sequence, n.ChannelId }).IsUnique();
        builder.HasIndex(n => n.DueAt).HasFilter("status = 'Pending'");
        builder.HasIndex(n => new { n.ChannelId, n.DeliveredAt });
    }
}

internal sealed class AlertDeliveryAttemptConfiguration : IEntityTypeConfiguration<AlertDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<AlertDeliveryAttempt> builder)
    {
        builder.ToTable("alert_delivery_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Error).HasMaxLength(2000);
        builder.HasOne<AlertNotification>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.NotificationId, a.At });
        builder.HasIndex(a => new { a.ChannelId, a.At });
    }
}

internal sealed class AlertSilenceConfiguration : IEntityTypeConfiguration<AlertSilence>
{
    public void Configure(EntityTypeBuilder<AlertSilence> builder)
    {
        builder.ToTable("alert_silences");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.SubjectKey).HasMaxLength(AlertInstance.MaxSubjectKeyLength);
        builder.Property(s => s.Reason).HasMaxLength(AlertSilence.MaxReasonLength);
        builder.Property(s => s.CreatedBy).HasMaxLength(200);
        builder.HasOne<AlertRule>().WithMany().HasForeignKey(s => s.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.WorkspaceId, s.EndsAt });
    }
}

internal sealed class AlertWorkspaceSettingsConfiguration : IEntityTypeConfiguration<AlertWorkspaceSettings>
{
    public void Configure(EntityTypeBuilder<AlertWorkspaceSettings> builder)
    {
        builder.ToTable("alert_workspace_settings");
        builder.HasKey(s => s.WorkspaceId);
        builder.Property(s => s.Language).HasMaxLength(10);
        builder.HasOne<Workspace>().WithOne().HasForeignKey<AlertWorkspaceSettings>(s => s.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Where an evaluator has read the stored status changes up to: (at, id) of the last one it handled.</summary>
internal sealed class AlertCursor
{
    public required string Name { get; init; }

    public DateTimeOffset At { get; set; }

    public Guid LastId { get; set; }
}

internal sealed class AlertCursorConfiguration : IEntityTypeConfiguration<AlertCursor>
{
    public void Configure(EntityTypeBuilder<AlertCursor> builder)
    {
        builder.ToTable("alert_cursors");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(100);
    }
}
