using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Studio;
using AllData.Tests.Fixtures;

namespace AllData.Tests.Infrastructure.Studio;

/// <summary>Job tree, drafts, versions and variables against the real store.</summary>
public sealed class StudioServicesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime, IDisposable
{
    private readonly StudioHost _host = new(fixture);

    public Task InitializeAsync() => _host.ActAsNewMemberAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _host.Dispose();

    private Task<JobTree> Tree(string? filter = null) => _host.With<JobTreeService, JobTree>(s => s.GetTreeAsync(filter));

    [Fact]
    public async Task Folders_and_jobs_are_created_renamed_moved_copied_and_filtered()
    {
        var etl = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("etl", null));
        var daily = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("daily", etl.Id));
        var job = await _host.With<JobTreeService, JobNode>(s => s.CreateJobAsync("orders", daily.Id, JobType.DatabaseSql));
        await _host.With<JobTreeService>(s => s.RenameJobAsync(job.Id, "load orders"));
        await _host.With<JobTreeService>(s => s.MoveJobAsync(job.Id, etl.Id));
        var copy = await _host.With<JobTreeService, JobNode>(s => s.CopyJobAsync(job.Id, etl.Id));
        await _host.With<JobTreeService>(s => s.RenameFolderAsync(daily.Id, "nightly"));

        var tree = await Tree();
        Assert.Equal(["load orders", "load orders (copy)"], tree.Jobs.Where(j => j.FolderId == etl.Id).Select(j => j.Name).Order());
        Assert.Equal("nightly", tree.Folders.Single(f => f.Id == daily.Id).Name);

        var filtered = await Tree("COPY");
        Assert.Equal([copy.Id], filtered.Jobs.Select(j => j.Id));
        Assert.Equal([etl.Id], filtered.Folders.Select(f => f.Id));
    }

    [Fact]
    public async Task A_folder_cannot_move_into_its_subfolder_and_names_are_unique_per_folder()
    {
        var a = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("a", null));
        var b = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("b", a.Id));
        await _host.With<JobTreeService, JobNode>(s => s.CreateJobAsync("x", a.Id, JobType.FlinkSql));

        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<JobTreeService>(s => s.MoveFolderAsync(a.Id, b.Id)));
        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<JobTreeService, JobNode>(s => s.CreateJobAsync("x", a.Id, JobType.FlinkSql)));
        await Assert.ThrowsAnyAsync<DomainException>(() => _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("b", a.Id)));
    }

    [Fact]
    public async Task Deleting_a_folder_reports_then_removes_its_subfolders_and_jobs()
    {
        var top = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("to delete", null));
        var sub = await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("sub", top.Id));
        var job = await _host.CreateJobAsync("select 1", null);
        await _host.With<JobTreeService>(s => s.MoveJobAsync(job, sub.Id));
        await _host.With<JobVersionService, JobVersionSummary>(s => s.PublishAsync(job, "v1"));

        var info = await _host.With<JobTreeService, DeleteInfo>(s => s.GetFolderDeleteInfoAsync(top.Id));
        await _host.With<JobTreeService>(s => s.DeleteFolderAsync(top.Id));

        Assert.Equal(new DeleteInfo(2, 1, 1, 0), info);
        var tree = await Tree();
        Assert.DoesNotContain(tree.Folders, f => f.Id == top.Id || f.Id == sub.Id);
        Assert.DoesNotContain(tree.Jobs, j => j.Id == job);
    }

    [Fact]
    public async Task Saving_over_a_newer_save_is_refused_with_the_newer_text()
    {
        var job = await _host.CreateJobAsync("select 1", null);
        var opened = await _host.With<JobService, JobDetail>(s => s.GetAsync(job));
        await _host.With<JobService, JobDetail>(s => s.SaveAsync(job, Draft("select 2 -- alice", opened.Version)));

        var conflict = await Assert.ThrowsAsync<JobConflictException>(() =>
            _host.With<JobService, JobDetail>(s => s.SaveAsync(job, Draft("select 3 -- bob", opened.Version))));

        Assert.Equal("select 2 -- alice", conflict.Current.DraftSql);
        var overwritten = await _host.With<JobService, JobDetail>(s => s.SaveAsync(job, Draft("select 3 -- bob", conflict.Current.Version)));
        Assert.Equal("select 3 -- bob", overwritten.DraftSql);
    }

    [Fact]
    public async Task Publish_makes_numbered_versions_and_restore_brings_one_back_into_the_draft()
    {
        var job = await _host.CreateJobAsync("select 'one'", null);
        var v1 = await _host.With<JobVersionService, JobVersionSummary>(s => s.PublishAsync(job, "first"));
        var current = await _host.With<JobService, JobDetail>(s => s.GetAsync(job));
        await _host.With<JobService, JobDetail>(s => s.SaveAsync(job, Draft("select 'two'", current.Version)));
        var v2 = await _host.With<JobVersionService, JobVersionSummary>(s => s.PublishAsync(job, null));

        var list = await _host.With<JobVersionService, IReadOnlyList<JobVersionSummary>>(s => s.ListAsync(job));
        current = await _host.With<JobService, JobDetail>(s => s.GetAsync(job));
        var restored = await _host.With<JobVersionService, JobDetail>(s => s.RestoreAsync(job, v1.Id, current.Version));

        Assert.Equal([2, 1], list.Select(v => v.Number));
        Assert.Equal((1, 2), (v1.Number, v2.Number));
        Assert.Equal("select 'one'", restored.DraftSql);
        Assert.Equal("select 'two'", (await _host.With<JobVersionService, JobVersionDetail>(s => s.GetAsync(v2.Id))).SqlText);
    }

    [Fact]
    public async Task Secret_variables_are_stored_encrypted_and_never_listed_in_clear()
    {
        await _host.With<VariableService>(s => s.SetAsync("api_key", "s3cr3t-value", isSecret: true));
        await _host.With<VariableService>(s => s.SetAsync("env", "prod", isSecret: false));

        var rows = await _host.With<VariableService, IReadOnlyList<WorkspaceVariableRow>>(s => s.ListAsync());
        await using var db = _host.Fixture.CreateContext(_host.WorkspaceId);
        var stored = db.Set<WorkspaceVariable>().Single(v => v.Name == "api_key").StoredValue;

        Assert.Null(rows.Single(r => r.Name == "api_key").Value);
        Assert.Equal("prod", rows.Single(r => r.Name == "env").Value);
        Assert.DoesNotContain("s3cr3t-value", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_reads_the_tree_but_cannot_change_it()
    {
        var workspace = _host.WorkspaceId;
        await _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("shared", null));
        await _host.ActAsNewMemberAsync(WorkspaceRole.Viewer, workspace);

        Assert.Contains((await Tree()).Folders, f => f.Name == "shared");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _host.With<JobTreeService, FolderNode>(s => s.CreateFolderAsync("mine", null)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => _host.With<VariableService>(s => s.SetAsync("x", "1", false)));
    }

    private static JobDraft Draft(string sql, int basedOn) => new(sql, null, null, 100, new Dictionary<string, string>(), basedOn);
}
