using AllData.Domain.Common;
using AllData.Domain.Jobs;

namespace AllData.Tests.Domain.Jobs;

public sealed class JobTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Ws = Guid.NewGuid();

    private static Job NewJob() => new(Ws, "daily load", null, JobType.DatabaseSql, "alice", T0);

    [Fact]
    public void Saving_over_a_newer_save_is_refused_with_both_versions()
    {
        var job = NewJob();
        job.SaveDraft("select 1", job.Version, "alice", T0);

        var error = Assert.Throws<JobVersionMismatchException>(() => job.SaveDraft("select 2", 1, "bob", T0));

        Assert.Equal((1, 2), (error.BasedOn, error.Current));
        Assert.Equal("select 1", job.DraftSql);
    }

    [Fact]
    public void Every_change_bumps_the_version_and_records_who_made_it()
    {
        var job = NewJob();
        job.Rename("hourly load", "bob", T0.AddMinutes(1));

        Assert.Equal(2, job.Version);
        Assert.Equal(("bob", T0.AddMinutes(1)), (job.UpdatedBy, job.UpdatedAt));
    }

    [Fact]
    public void Publishing_numbers_versions_from_one_and_keeps_the_text_settings_and_variables()
    {
        var job = NewJob();
        var source = Guid.NewGuid();
        job.SaveDraft("select ${x}", job.Version, "alice", T0);
        job.ChangeDatabaseSettings(source, 60, 500, job.Version, "alice", T0);
        job.ReplaceVariables([new("x", "1")], job.Version, "alice", T0);

        var first = job.Publish("first", "alice", T0);
        var second = job.Publish(null, "alice", T0);

        Assert.Equal((1, 2), (first.Number, second.Number));
        Assert.Equal("select ${x}", first.SqlText);
        Assert.Equal("1", first.Variables["x"]);
        Assert.Equal(new JobSettingsSnapshot(source, 60, 500), JobSettingsSnapshot.FromJson(first.SettingsJson));
        Assert.Null(second.Comment);
    }

    [Fact]
    public void Restoring_a_version_puts_its_text_settings_and_variables_into_the_draft()
    {
        var job = NewJob();
        job.SaveDraft("select 1", job.Version, "alice", T0);
        job.ReplaceVariables([new("x", "old")], job.Version, "alice", T0);
        var v1 = job.Publish("v1", "alice", T0);
        job.SaveDraft("select 2", job.Version, "alice", T0);
        job.ReplaceVariables([new("y", "new")], job.Version, "alice", T0);
        job.ChangeDatabaseSettings(null, 5, 10, job.Version, "alice", T0);

        job.RestoreDraft(v1, job.Version, "bob", T0);

        Assert.Equal("select 1", job.DraftSql);
        Assert.Equal(["x"], job.Variables.Keys);
        Assert.Equal((null, Job.DefaultRowCap), (job.TimeoutSeconds, job.RowCap));
    }

    [Fact]
    public void An_empty_job_cannot_be_published()
    {
        Assert.Throws<DomainException>(() => NewJob().Publish("x", "alice", T0));
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("${x}")]
    public void Variable_names_must_be_usable_as_references(string name)
    {
        var job = NewJob();
        Assert.Throws<DomainException>(() => job.ReplaceVariables([new(name, "v")], job.Version, "alice", T0));
    }

    [Theory]
    [InlineData("env")]
    [InlineData("_private")]
    [InlineData("db.schema2")]
    public void Valid_variable_names_are_accepted(string name)
    {
        Assert.Equal(name, JobNames.ValidateVariableName(name));
    }

    [Fact]
    public void A_variable_defined_twice_is_refused()
    {
        var job = NewJob();
        Assert.Throws<DomainException>(() => job.ReplaceVariables([new("a", "1"), new("a", "2")], job.Version, "alice", T0));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(10, 0)]
    [InlineData(10, Job.MaxRowCap + 1)]
    public void Out_of_range_timeout_or_row_cap_is_refused(int timeout, int rowCap)
    {
        var job = NewJob();
        Assert.Throws<DomainException>(() => job.ChangeDatabaseSettings(null, timeout, rowCap, job.Version, "alice", T0));
    }

    [Fact]
    public void A_copy_has_the_text_settings_and_variables_but_its_own_identity()
    {
        var job = NewJob();
        job.SaveDraft("select 1", job.Version, "alice", T0);
        job.ReplaceVariables([new("x", "1")], job.Version, "alice", T0);

        var copy = job.CopyAs("daily load (copy)", null, "bob", T0);

        Assert.NotEqual(job.Id, copy.Id);
        Assert.Equal(("select 1", "1", 1), (copy.DraftSql, copy.Variables["x"], copy.Version));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("a/b")]
    public void Job_and_folder_names_must_be_present_and_slash_free(string name)
    {
        Assert.Throws<DomainException>(() => new JobFolder(Ws, name, null, T0));
        Assert.Throws<DomainException>(() => new Job(Ws, name, null, JobType.FlinkSql, "alice", T0));
    }

    [Fact]
    public void A_folder_cannot_move_into_its_own_subfolder()
    {
        var parent = new JobFolder(Ws, "a", null, T0);
        var child = new JobFolder(Ws, "b", parent.Id, T0);

        Assert.Throws<DomainException>(() => parent.MoveTo(child.Id, [child.Id, parent.Id]));
        Assert.Throws<DomainException>(() => parent.MoveTo(parent.Id, []));
    }

    [Fact]
    public void An_edit_changes_text_settings_and_variables_in_one_version_or_nothing_at_all()
    {
        var job = NewJob();
        var source = Guid.NewGuid();

        Assert.Throws<DomainException>(() => job.Edit("select 1", source, 0, 10, [], job.Version, "alice", T0));
        Assert.Equal((string.Empty, 1), (job.DraftSql, job.Version));

        job.Edit("select ${x}", source, 30, 10, [new("x", "1")], job.Version, "alice", T0);
        Assert.Equal(("select ${x}", source, 30, 10, 2), (job.DraftSql, job.DataSourceId, job.TimeoutSeconds, job.RowCap, job.Version));
    }
}
