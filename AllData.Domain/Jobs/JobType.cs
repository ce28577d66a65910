using AllData.Domain.Catalog;
using AllData.Domain.Operations;
using AllData.Domain.Studio;

namespace AllData.Domain.Jobs;

/// <summary>What a job runs and on which engine.</summary>
public enum JobType
{
    /// <summary>SQL on a registered database data source.</summary>
    DatabaseSql,

    /// <summary>Flink SQL through a cluster's SQL Gateway.</summary>
    FlinkSql,

    /// <summary>A Flink JAR submitted to a cluster's JobManager.</summary>
    FlinkJar,
}

public static class JobTypeExtensions
{
    /// <summary>The dialect the job's text is written in (a JAR job's text holds program arguments; read as Flink SQL).
    /// A Database SQL job is written in its data source's dialect: <paramref name="sourceKind"/>, PostgreSQL when none is chosen.</summary>
    public static SqlDialect Dialect(this JobType type, DataSourceKind? sourceKind = null) =>
        type == JobType.DatabaseSql ? (sourceKind ?? DataSourceKind.PostgreSql).Dialect() : SqlDialect.FlinkSql;

    public static RunEngine Engine(this JobType type) => type switch
    {
        JobType.DatabaseSql => RunEngine.DatabaseSql,
        JobType.FlinkSql => RunEngine.FlinkSql,
        _ => RunEngine.FlinkJar,
    };
}
