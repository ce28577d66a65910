using System.ComponentModel.DataAnnotations;

namespace AllData.Infrastructure.Alerts;

public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>How often the clustered evaluation job runs (seconds).</summary>
    [Range(1, 3600)]
    public int EvaluationSeconds { get; set; } = 15;

    /// <summary>How often due notifications (retries, grouped sends) are dispatched (seconds).</summary>
    [Range(1, 600)]
    public int DeliverySeconds { get; set; } = 5;

    /// <summary>
    /// Status changes younger than this are left for the next pass, so that a transition whose transaction commits a moment
    /// after a later one is not skipped by the cursor.
    /// </summary>
    [Range(0, 60)]
    public int EventSettleSeconds { get; set; } = 2;

    /// <summary>The address users open AllData at, for the links in messages (https://alldata.example.com).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Timeout of one send to a channel (seconds).</summary>
    [Range(1, 120)]
    public int SendTimeoutSeconds { get; set; } = 15;
}
