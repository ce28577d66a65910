namespace AllData.Domain.Operations;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    Manual,
    Schedule,
    Api,
    AutoRestart,
}

/// <summary>The engine that executes a run; one per job type.</summary>
public enum RunEngine
{
    DatabaseSql,
    FlinkSql,
    FlinkJar,
}

public enum RunLogLevel
{
    Debug,
    Info,
    Warning,
    Error,
}
