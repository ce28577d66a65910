using AllData.Domain.Common;
using AllData.Domain.Identity;
using AllData.Domain.Jobs;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Studio;

/// <summary>Loads and saves one job's draft. A save over a newer save throws <see cref="JobConflictException"/>.</summary>
public sealed class JobService
{
    private readonly AppDb appDb;
    private readonly WorkspaceContext workspace;
    private readonly TimeProvider clock;

    internal JobService(AppDb appDb, WorkspaceContext workspace, TimeProvider clock)
    {
        this.appDb = appDb;
        this.workspace = workspace;
        this.clock = clock;
    }

    public async Task<JobDetail> GetAsync(Guid jobId, CancellationToken ct = default)
    {
        var (db, _) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        var job = await db.Set<Job>().AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct)
                  ?? throw new NotFoundException("That job no longer exists.");
        return JobDetail.Of(job);
    }

    /// <summary>Saves the draft; returns the job as saved (its new <see cref="JobDetail.Version"/> is the base of the next save).</summary>
    /// <exception cref="JobConflictException">Someone saved the job after <see cref="JobDraft.BasedOnVersion"/>.</exception>
    public async Task<JobDetail> SaveAsync(Guid jobId, JobDraft draft, CancellationToken ct = default)
    {
        var (db, access) = await appDb.ForWorkspaceAsync(ct);
        await using var _db = db;
        access.Require(WorkspaceRole.Developer, "edit jobs");
        var job = await TreeJobAsync(db, jobId, ct);
        try
        {
            job.Edit(draft.Sql, draft.DataSourceId, draft.TimeoutSeconds, draft.RowCap, draft.Variables, draft.BasedOnVersion,
                await workspace.UserNameAsync(ct), clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return JobDetail.Of(job);
        }
        catch (JobVersionMismatchException)
        {
            throw new JobConflictException(JobDetail.Of(job), draft.BasedOnVersion);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Saved by someone else between our read and our write.
            throw new JobConflictException(await GetAsync(jobId, ct), draft.BasedOnVersion);
        }
    }

    private static Task<Job> TreeJobAsync(AllDataDbContext db, Guid jobId, CancellationToken ct) => JobTreeService.JobAsync(db, jobId, ct);
}
