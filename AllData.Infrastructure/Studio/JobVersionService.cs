using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>Published versions: publish the draft, list, read, restore one into the draft.</summary>
public sealed class JobVersionService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal JobVersionService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    /// <summary>Publishes the job's saved draft as the next numbered version.</summary>
    public async Task<JobVersionSummary> PublishAsync(Guid jobId, string? comment, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "publish jobs");
        var job = await JobTreeService.JobAsync(db, jobId, ct);
        var version = job.Publish(comment, await workspace.UserNameAsync(ct), clock.GetUtcNow());
        db.Add(version);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new DomainException("Someone published or saved this job at the same moment; try again.");
        }

        return Summary(version);
    }

    public async Task<IReadOnlyList<JobVersionSummary>> ListAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        return await db.Set<JobVersion>().AsNoTracking().Where(v => v.JobId == jobId).OrderByDescending(v => v.Number)
            .Select(v => new JobVersionSummary(v.Id, v.JobId, v.Number, v.Comment, v.PublishedBy, v.PublishedAt))
            .ToListAsync(ct);
    }

    public async Task<JobVersionDetail> GetAsync(Guid versionId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var version = await db.Set<JobVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new NotFoundException("That version does not exist.");
        return JobVersionDetail.Of(version);
    }

    /// <summary>Puts the version's text, settings and variables into the draft (the draft's own text is replaced).</summary>
    /// <exception cref="JobConflictException">The job was saved after <paramref name="basedOnVersion"/>.</exception>
    public async Task<JobDetail> RestoreAsync(Guid jobId, Guid versionId, int basedOnVersion, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "restore versions");
        var job = await JobTreeService.JobAsync(db, jobId, ct);
        var version = await db.Set<JobVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == versionId, ct)
                      ?? throw new NotFoundException("That version does not exist.");
        try
        {
            job.RestoreDraft(version, basedOnVersion, await workspace.UserNameAsync(ct), clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return JobDetail.Of(job);
        }
        catch (JobVersionMismatchException)
        {
            throw new JobConflictException(JobDetail.Of(job), basedOnVersion);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException("Someone saved this job at the same moment; reload and try again.");
        }
    }

    private static JobVersionSummary Summary(JobVersion v) => new(v.Id, v.JobId, v.Number, v.Comment, v.PublishedBy, v.PublishedAt);
}
