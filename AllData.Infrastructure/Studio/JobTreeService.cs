using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Domain.Operations;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>The studio's tree of folders and jobs. Viewers read it; Developers change it.</summary>
public sealed class JobTreeService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal JobTreeService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>The whole tree, or (with <paramref name="filter"/>) the folders and jobs whose name contains it, with their ancestors.</summary>
    public async Task<JobTree> GetTreeAsync(string? filter = null, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var folders = await db.Set<JobFolder>().AsNoTracking().OrderBy(f => f.Name)
            .Select(f => new FolderNode(f.Id, f.Name, f.ParentId)).ToListAsync(ct);
        var jobs = await db.Set<Job>().AsNoTracking().OrderBy(j => j.Name)
            .Select(j => new JobNode(j.Id, j.Name, j.FolderId, j.Type)).ToListAsync(ct);
        return string.IsNullOrWhiteSpace(filter) ? new JobTree(folders, jobs) : Filter(folders, jobs, filter.Trim());
    }

    public async Task<FolderNode> CreateFolderAsync(string name, Guid? parentId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "create folders");
        await EnsureFolderExistsAsync(db, parentId, ct);
        var folder = new JobFolder(access.WorkspaceId, name, parentId, clock.GetUtcNow());
        await EnsureFolderNameFreeAsync(db, folder.Name, parentId, null, ct);
        db.Add(folder);
        await db.SaveChangesAsync(ct);
        return new FolderNode(folder.Id, folder.Name, folder.ParentId);
    }

    public async Task RenameFolderAsync(Guid folderId, string name, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "rename folders");
        var folder = await FolderAsync(db, folderId, ct);
        folder.Rename(name);
        await EnsureFolderNameFreeAsync(db, folder.Name, folder.ParentId, folder.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    public async Task MoveFolderAsync(Guid folderId, Guid? parentId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "move folders");
        var folders = await db.Set<JobFolder>().ToListAsync(ct);
        var folder = folders.FirstOrDefault(f => f.Id == folderId) ?? throw new NotFoundException("That folder no longer exists.");
        if (parentId is { } target && folders.All(f => f.Id != target))
        {
            throw new DomainException("The target folder no longer exists.");
        }

        folder.MoveTo(parentId, AncestorsAndSelf(folders, parentId));
        await EnsureFolderNameFreeAsync(db, folder.Name, parentId, folder.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What deleting the folder would delete: its subfolders, jobs, their versions and runs.</summary>
    public async Task<DeleteInfo> GetFolderDeleteInfoAsync(Guid folderId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var (folderIds, jobIds) = await SubtreeAsync(db, folderId, ct);
        return await CountAsync(db, folderIds.Count, jobIds, ct);
    }

    /// <summary>Deletes the folder with everything in it (jobs, their versions; runs stay in the history).</summary>
    public async Task DeleteFolderAsync(Guid folderId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete folders");
        var (folderIds, jobIds) = await SubtreeAsync(db, folderId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<Job>().Where(j => jobIds.Contains(j.Id)).ExecuteDeleteAsync(ct);

        // Children first: the parent key restricts deletes.
        var folders = await db.Set<JobFolder>().Where(f => folderIds.Contains(f.Id)).ToListAsync(ct);
        foreach (var folder in folders.OrderByDescending(f => Depth(folders, f)))
        {
            db.Remove(folder);
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    public async Task<JobNode> CreateJobAsync(string name, Guid? folderId, JobType type, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "create jobs");
        await EnsureFolderExistsAsync(db, folderId, ct);
        var job = new Job(access.WorkspaceId, name, folderId, type, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await EnsureJobNameFreeAsync(db, job.Name, folderId, null, ct);
        db.Add(job);
        await db.SaveChangesAsync(ct);
        return new JobNode(job.Id, job.Name, job.FolderId, job.Type);
    }

    public async Task RenameJobAsync(Guid jobId, string name, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "rename jobs");
        var job = await JobAsync(db, jobId, ct);
        job.Rename(name, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await EnsureJobNameFreeAsync(db, job.Name, job.FolderId, job.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    public async Task MoveJobAsync(Guid jobId, Guid? folderId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "move jobs");
        await EnsureFolderExistsAsync(db, folderId, ct);
        var job = await JobAsync(db, jobId, ct);
        job.MoveTo(folderId, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await EnsureJobNameFreeAsync(db, job.Name, folderId, job.Id, ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Copies a job (text, settings, variables; not its versions) into <paramref name="folderId"/>, named "… (copy)" if needed.</summary>
    public async Task<JobNode> CopyJobAsync(Guid jobId, Guid? folderId, string? name = null, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "copy jobs");
        await EnsureFolderExistsAsync(db, folderId, ct);
        var job = await JobAsync(db, jobId, ct);
        var taken = await db.Set<Job>().Where(j => j.FolderId == folderId).Select(j => j.Name).ToListAsync(ct);
        var copyName = name?.Trim() is { Length: > 0 } given ? given : FreeName(job.Name, taken);
        var copy = job.CopyAs(copyName, folderId, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        await EnsureJobNameFreeAsync(db, copy.Name, folderId, null, ct);
        db.Add(copy);
        await db.SaveChangesAsync(ct);
        return new JobNode(copy.Id, copy.Name, copy.FolderId, copy.Type);
    }

    public async Task<DeleteInfo> GetJobDeleteInfoAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await CountAsync(db, 0, [jobId], ct);
    }

    public async Task DeleteJobAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "delete jobs");
        db.Remove(await JobAsync(db, jobId, ct));
        await db.SaveChangesAsync(ct);
    }

    internal static string FreeName(string name, IReadOnlyCollection<string> taken)
    {
        var candidate = $"{name} (copy)";
        for (var i = 2; taken.Contains(candidate, StringComparer.OrdinalIgnoreCase); i++)
        {
            candidate = $"{name} (copy {i})";
        }

        return candidate.Length <= JobNames.MaxNameLength ? candidate : candidate[^JobNames.MaxNameLength..];
    }

    private static JobTree Filter(List<FolderNode> folders, List<JobNode> jobs, string filter)
    {
        var byId = folders.ToDictionary(f => f.Id);
        var keep = new HashSet<Guid>();
        void KeepAncestors(Guid? id)
        {
            while (id is { } current && byId.TryGetValue(current, out var folder) && keep.Add(current))
            {
                id = folder.ParentId;
            }
        }

        var matchingJobs = jobs.Where(j => j.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        foreach (var job in matchingJobs)
        {
            KeepAncestors(job.FolderId);
        }

        foreach (var folder in folders.Where(f => f.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
        {
            KeepAncestors(folder.Id);
        }

        return new JobTree([.. folders.Where(f => keep.Contains(f.Id))], matchingJobs);
    }

    private static List<Guid> AncestorsAndSelf(List<JobFolder> folders, Guid? id)
    {
        List<Guid> result = [];
        while (id is { } current && !result.Contains(current))
        {
            result.Add(current);
            id = folders.FirstOrDefault(f => f.Id == current)?.ParentId;
        }

        return result;
    }

    private static int Depth(List<JobFolder> folders, JobFolder folder) => AncestorsAndSelf(folders, folder.Id).Count;

    private static async Task<(List<Guid> Folders, List<Guid> Jobs)> SubtreeAsync(AllDataDbContext db, Guid folderId, CancellationToken ct)
    {
        var all = await db.Set<JobFolder>().AsNoTracking().Select(f => new { f.Id, f.ParentId }).ToListAsync(ct);
        if (all.All(f => f.Id != folderId))
        {
            throw new NotFoundException("That folder no longer exists.");
        }

        List<Guid> subtree = [folderId];
        for (var i = 0; i < subtree.Count; i++)
        {
            subtree.AddRange(all.Where(f => f.ParentId == subtree[i]).Select(f => f.Id));
        }

        var jobs = await db.Set<Job>().Where(j => j.FolderId != null && subtree.Contains(j.FolderId.Value)).Select(j => j.Id).ToListAsync(ct);
        return (subtree, jobs);
    }

    private static async Task<DeleteInfo> CountAsync(AllDataDbContext db, int folders, List<Guid> jobIds, CancellationToken ct) => new(
        folders,
        jobIds.Count,
        await db.Set<JobVersion>().CountAsync(v => jobIds.Contains(v.JobId), ct),
        await db.Set<JobRun>().CountAsync(r => jobIds.Contains(r.JobId), ct));

    private static async Task EnsureFolderExistsAsync(AllDataDbContext db, Guid? folderId, CancellationToken ct)
    {
        if (folderId is { } id && !await db.Set<JobFolder>().AnyAsync(f => f.Id == id, ct))
        {
            throw new NotFoundException("That folder no longer exists.");
        }
    }

    private static async Task EnsureFolderNameFreeAsync(AllDataDbContext db, string name, Guid? parentId, Guid? except, CancellationToken ct)
    {
        if (await db.Set<JobFolder>().AnyAsync(f => f.ParentId == parentId && f.Name == name && f.Id != except, ct))
        {
            throw new DomainException($"A folder called '{name}' is already there.");
        }
    }

    private static async Task EnsureJobNameFreeAsync(AllDataDbContext db, string name, Guid? folderId, Guid? except, CancellationToken ct)
    {
        if (await db.Set<Job>().AnyAsync(j => j.FolderId == folderId && j.Name == name && j.Id != except, ct))
        {
            throw new DomainException($"A job called '{name}' is already there.");
        }
    }

    private static async Task<JobFolder> FolderAsync(AllDataDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<JobFolder>().FirstOrDefaultAsync(f => f.Id == id, ct) ?? throw new NotFoundException("That folder no longer exists.");

    internal static async Task<Job> JobAsync(AllDataDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<Job>().FirstOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("That job no longer exists.");
}
