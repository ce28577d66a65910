using AllData.Domain.Catalog;
using AllData.Domain.Jobs;
using AllData.Domain.Studio;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Operations;

/// <summary>The dialect a job's script is split in: a Database SQL job's comes from its data source's kind.</summary>
internal static class JobDialect
{
    public static async Task<SqlDialect> ResolveAsync(AllDataDbContext db, Job job, string settingsJson, CancellationToken ct)
    {
        if (job.Type != JobType.DatabaseSql || JobSettingsSnapshot.FromJson(settingsJson).DataSourceId is not { } sourceId)
        {
            return job.Type.Dialect();
        }

        var kind = await db.Set<DataSource>().AsNoTracking().Where(s => s.Id == sourceId).Select(s => (DataSourceKind?)s.Kind).FirstOrDefaultAsync(ct);
        return job.Type.Dialect(kind);
    }
}
