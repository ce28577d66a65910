namespace AllData.Domain.Studio;

/// <summary>The SQL dialect a script is written in; decides the editor's grammar and the engine that runs it.</summary>
public enum SqlDialect
{
    FlinkSql,
    PostgreSql,
}
