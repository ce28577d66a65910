using System.ComponentModel.DataAnnotations;

namespace AllData.Web;

/// <summary>The AllData section of appsettings.json (environment: AllData__Key).</summary>
public sealed class AllDataOptions
{
    public const string Section = "AllData";

    /// <summary>Apply migrations and create the first administrator when the app starts.</summary>
    public bool SetupOnStart { get; set; } = true;

    /// <summary>Create the "Demo" workspace with the generated demo warehouse on first start.</summary>
    public bool CreateDemoWarehouse { get; set; } = true;

    /// <summary>Where to keep the generated first administrator password (owner-only file), besides printing it once.</summary>
    public string? InitialAdminPasswordFile { get; set; }

    /// <summary>Rows a result grid keeps before it says "truncated".</summary>
    [Range(1, 1_000_000)]
    public int ResultRowCap { get; set; } = 10_000;
}
