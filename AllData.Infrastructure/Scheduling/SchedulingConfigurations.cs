using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Domain.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllData.Infrastructure.Scheduling;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> builder)
    {
        builder.ToTable("schedules");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(Schedule.MaxNameLength);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Cron).HasMaxLength(ScheduleTiming.MaxCronLength);
        builder.Property(s => s.TimeZoneId).HasMaxLength(100);
        builder.Property(s => s.Overlap).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Misfire).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.CreatedBy).HasMaxLength(Schedule.MaxUserLength);
        builder.Property(s => s.UpdatedBy).HasMaxLength(Schedule.MaxUserLength);
        builder.Ignore(s => s.Timing);
        builder.Ignore(s => s.Retry);
        builder.Ignore(s => s.Behaviour);
        builder.Property<uint>("Version").IsRowVersion();

        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<JobVersion>().WithMany().HasForeignKey(s => s.PinnedVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HolidayCalendar>().WithMany().HasForeignKey(s => s.CalendarId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(s => new { s.WorkspaceId, s.Name }).IsUnique();
        builder.HasIndex(s => s.JobId);
    }
}

internal sealed class ScheduleSlotConfiguration : IEntityTypeConfiguration<ScheduleSlot>
{
    public void Configure(EntityTypeBuilder<ScheduleSlot> builder)
    {
        builder.ToTable("schedule_slots");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Source).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Reason).HasMaxLength(ScheduleSlot.MaxReasonLength);
        builder.Property<uint>("Version").IsRowVersion();

        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Schedule>().WithMany().HasForeignKey(s => s.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.SetNull);

        // The ledger's promise: one row, and so one run, per (schedule, logical time).
        builder.HasIndex(s => new { s.ScheduleId, s.LogicalTime }).IsUnique().IsDescending(false, true);
        builder.HasIndex(s => s.State).HasFilter("state IN ('Queued', 'RetryWaiting', 'Started')");
    }
}

internal sealed class HolidayCalendarConfiguration : IEntityTypeConfiguration<HolidayCalendar>
{
    public void Configure(EntityTypeBuilder<HolidayCalendar> builder)
    {
        builder.ToTable("holiday_calendars");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Name).HasMaxLength(Schedule.MaxNameLength);
        builder.Property(c => c.Dates).HasColumnType("date[]");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.WorkspaceId, c.Name }).IsUnique();
    }
}

internal sealed class JobDependencyConfiguration : IEntityTypeConfiguration<JobDependency>
{
    public void Configure(EntityTypeBuilder<JobDependency> builder)
    {
        builder.ToTable("job_dependencies");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Date).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.OnFailure).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.CreatedBy).HasMaxLength(Schedule.MaxUserLength);

        builder.HasOne<Workspace>().WithMany().HasForeignKey(d => d.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(d => d.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Job>().WithMany().HasForeignKey(d => d.UpstreamJobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(d => new { d.JobId, d.UpstreamJobId }).IsUnique();
        builder.HasIndex(d => d.UpstreamJobId);
    }
}

internal sealed class BackfillConfiguration : IEntityTypeConfiguration<Backfill>
{
    public void Configure(EntityTypeBuilder<Backfill> builder)
    {
        builder.ToTable("backfills");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.Property(b => b.Order).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.Mode).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(b => b.CreatedBy).HasMaxLength(Schedule.MaxUserLength);
        builder.Ignore(b => b.IsOver);
        builder.Property<uint>("Version").IsRowVersion();

        builder.HasOne<Workspace>().WithMany().HasForeignKey(b => b.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Schedule>().WithMany().HasForeignKey(b => b.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(b => new { b.ScheduleId, b.CreatedAt });
        builder.HasIndex(b => b.State).HasFilter("state = 'Running'");
    }
}

internal sealed class BackfillItemConfiguration : IEntityTypeConfiguration<BackfillItem>
{
    public void Configure(EntityTypeBuilder<BackfillItem> builder)
    {
        builder.ToTable("backfill_items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Reason).HasMaxLength(ScheduleSlot.MaxReasonLength);
        builder.Ignore(i => i.IsOver);

        builder.HasOne<Workspace>().WithMany().HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Backfill>().WithMany().HasForeignKey(i => i.BackfillId).OnDelete(DeleteBehavior.Cascade);
        // A downstream schedule deleted mid-backfill takes its items with it (the pump then sees fewer open items).
        builder.HasOne<Schedule>().WithMany().HasForeignKey(i => i.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ScheduleSlot>().WithMany().HasForeignKey(i => i.SlotId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(i => i.RunId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(i => new { i.BackfillId, i.Sequence }).IsUnique();
        builder.HasIndex(i => i.SlotId);
    }
}

/// <summary>How far a schedule's missed-slot search has looked (a cursor per schedule, apart from the schedule row so it never clashes with an edit).</summary>
internal sealed class ScheduleCursor
{
    public Guid ScheduleId { get; set; }

    public DateTimeOffset MissedCheckedUntil { get; set; }
}

internal sealed class ScheduleCursorConfiguration : IEntityTypeConfiguration<ScheduleCursor>
{
    public void Configure(EntityTypeBuilder<ScheduleCursor> builder)
    {
        builder.ToTable("schedule_cursors");
        builder.HasKey(c => c.ScheduleId);
        builder.Property(c => c.ScheduleId).ValueGeneratedNever();
        builder.HasOne<Schedule>().WithMany().HasForeignKey(c => c.ScheduleId).OnDelete(DeleteBehavior.Cascade);
    }
}
