using Quartz;

namespace AllData.Infrastructure.Scheduling;

/// <summary>
/// Quartz's own PostgreSQL schema, exactly as the referenced Quartz package ships it
/// (<c>Quartz.Impl.AdoJobStore.Schema.create_postgres.sql</c> inside Quartz.dll), with its table prefix set to
/// <c>qrtz_</c>. An EF migration runs it, so one tool owns the whole schema and the tables always match the Quartz
/// version in use. (The repository's <c>database/tables/tables_postgres.sql</c> available here describes an older
/// schema that Quartz 4.7.3's start-up validation refuses: it lacks <c>qrtz_paused_job_grps</c> and the 4.3–4.7 columns.)
/// </summary>
public static class QuartzSchema
{
    public const string TablePrefix = "qrtz_";

    private const string Resource = "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql";

    /// <summary>The statements in order (the script separates them with lines reading <c>--;;</c>).</summary>
    public static IReadOnlyList<string> CreateStatements { get; } = Read();

    /// <summary>The whole script as one batch, for <c>migrationBuilder.Sql</c>.</summary>
    public static string CreateTables => string.Join(";\n", CreateStatements.Select(s => s.TrimEnd().TrimEnd(';'))) + ";";

    public const string DropTables = """
        DROP TABLE IF EXISTS qrtz_job_status;
        DROP TABLE IF EXISTS qrtz_misfire_history;
        DROP TABLE IF EXISTS qrtz_execution_history;
        DROP TABLE IF EXISTS qrtz_fired_triggers;
        DROP TABLE IF EXISTS qrtz_paused_job_grps;
        DROP TABLE IF EXISTS qrtz_paused_trigger_grps;
        DROP TABLE IF EXISTS qrtz_scheduler_state;
        DROP TABLE IF EXISTS qrtz_locks;
        DROP TABLE IF EXISTS qrtz_simprop_triggers;
        DROP TABLE IF EXISTS qrtz_simple_triggers;
        DROP TABLE IF EXISTS qrtz_cron_triggers;
        DROP TABLE IF EXISTS qrtz_blob_triggers;
        DROP TABLE IF EXISTS qrtz_triggers;
        DROP TABLE IF EXISTS qrtz_job_details;
        DROP TABLE IF EXISTS qrtz_calendars;
        """;

    private static List<string> Read()
    {
        using var stream = typeof(IScheduler).Assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidOperationException($"The Quartz package no longer ships {Resource}.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd().Replace("{0}", TablePrefix, StringComparison.Ordinal).Replace("{1}", TablePrefix, StringComparison.Ordinal);
        return [.. System.Text.RegularExpressions.Regex.Split(script.ReplaceLineEndings("\n"), "^--;;$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(part => part.Trim())
            .Where(part => part.Split('\n').Any(line => line.Trim() is { Length: > 0 } t && !t.StartsWith("--", StringComparison.Ordinal)))];
    }
}
