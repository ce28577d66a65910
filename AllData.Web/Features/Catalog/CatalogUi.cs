using System.Collections;
using System.Globalization;
using System.Text;
using AllData.Domain.Catalog;
using AllData.Infrastructure.Catalog;
using MudBlazor;

namespace AllData.Web.Features.Catalog;

/// <summary>Icons, colours and value formatting shared by the catalog screens.</summary>
public static class CatalogUi
{
    public static string KindIcon(TableKind kind) => kind switch
    {
        TableKind.View => Icons.Material.Outlined.Visibility,
        TableKind.MaterializedView => Icons.Material.Outlined.Layers,
        TableKind.PartitionedTable => Icons.Material.Outlined.ViewModule,
        TableKind.ForeignTable => Icons.Material.Outlined.Link,
        _ => Icons.Material.Outlined.TableChart,
    };

    /// <summary>The product name of a source kind (not translated: these are names).</summary>
    public static string KindName(DataSourceKind kind) => kind switch
    {
        DataSourceKind.MySql => "MySQL / MariaDB",
        _ => "PostgreSQL",
    };

    public static Color SyncColor(SyncStatus? status) => status switch
    {
        SyncStatus.Succeeded => Color.Success,
        SyncStatus.Failed => Color.Error,
        SyncStatus.Running => Color.Info,
        _ => Color.Default,
    };

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.#} MB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.##} GB",
    };

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 1 } d => $"{d.TotalMilliseconds:0} ms",
        { TotalMinutes: < 1 } d => $"{d.TotalSeconds:0.0} s",
        { } d => $"{d.TotalMinutes:0.0} min",
    };

    /// <summary>A preview value as text; null stays null so the UI can show NULL distinctly.</summary>
    public static string? Value(object? value) => value switch
    {
        null => null,
        byte[] bytes => "\\x" + Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64))).ToLowerInvariant() + (bytes.Length > 64 ? "…" : string.Empty),
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero && d.Kind == DateTimeKind.Unspecified ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "{" + string.Join(',', items.Cast<object?>().Select(i => Value(i) ?? "NULL")) + "}",
        _ => value.ToString(),
    };

    public static string ChangeText(CatalogChangeKind kind) => kind switch
    {
        CatalogChangeKind.TableAdded => "Table added",
        CatalogChangeKind.TableRemoved => "Table removed",
        CatalogChangeKind.ColumnAdded => "Column added",
        CatalogChangeKind.ColumnRemoved => "Column removed",
        CatalogChangeKind.ColumnChanged => "Column changed",
        _ => "Kind changed",
    };

    public static Color ChangeColor(CatalogChangeKind kind) => kind switch
    {
        CatalogChangeKind.TableAdded or CatalogChangeKind.ColumnAdded => Color.Success,
        CatalogChangeKind.TableRemoved or CatalogChangeKind.ColumnRemoved => Color.Error,
        _ => Color.Warning,
    };

    public static string FailureText(ConnectionFailure failure) => failure switch
    {
        ConnectionFailure.HostUnreachable => "Host unreachable",
        ConnectionFailure.ConnectionRefused => "Connection refused",
        ConnectionFailure.Timeout => "Timed out",
        ConnectionFailure.AuthenticationFailed => "Authentication failed",
        ConnectionFailure.DatabaseDoesNotExist => "Database does not exist",
        ConnectionFailure.SslRequired => "The server requires SSL",
        ConnectionFailure.SslNotSupported => "The server does not support SSL",
        ConnectionFailure.InvalidSettings => "Invalid settings",
        _ => "Connection failed",
    };

    /// <summary>Extra options as one <c>key=value</c> per line, and back.</summary>
    public static string OptionsText(IReadOnlyDictionary<string, string> options) =>
        string.Join('\n', options.Select(o => $"{o.Key}={o.Value}"));

    public static Dictionary<string, string> ParseOptions(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            result[eq < 0 ? line : line[..eq].Trim()] = eq < 0 ? string.Empty : line[(eq + 1)..].Trim();
        }

        return result;
    }

    public static string Tags(IEnumerable<string> tags) => string.Join(", ", tags);

    public static string[] ParseTags(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Keys(ColumnRow c)
    {
        var keys = new StringBuilder();
        keys.Append(c.IsPrimaryKey ? "PK " : string.Empty).Append(c.IsForeignKey ? "FK " : string.Empty).Append(c.IsUnique ? "UQ" : string.Empty);
        return keys.ToString().Trim();
    }
}
