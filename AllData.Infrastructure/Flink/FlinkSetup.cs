using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace AllData.Infrastructure.Flink;

/// <summary>Timeouts and retries of the Flink REST clients (configuration section <c>Flink:Client</c>).</summary>
public sealed class FlinkClientOptions
{
    public const string Section = "Flink:Client";

    /// <summary>Timeout of one attempt of one request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of a request including its retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of idempotent requests (GET) after a transient failure; POST/PATCH/DELETE are never retried.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base of the exponential back-off between retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Creates clients for any number of Flink clusters; each cluster (URL authority) gets its own resilience pipeline and circuit breaker.</summary>
public sealed class FlinkClientFactory(IHttpClientFactory httpClients, TimeProvider time)
{
    internal const string JobManagerClientName = "flink-jobmanager";
    internal const string SqlGatewayClientName = "flink-sql-gateway";

    /// <param name="endpoint">The JobManager (or a History Server, which serves the same paths for archived jobs).</param>
    /// <param name="singleAttempt">Every request of this client is made once: no retries by the resilience pipeline.</param>
    public FlinkJobManagerClient CreateJobManagerClient(FlinkEndpoint endpoint, bool singleAttempt = false) =>
        new(httpClients.CreateClient(JobManagerClientName), endpoint, time, singleAttempt);

    public FlinkSqlGatewayClient CreateSqlGatewayClient(FlinkEndpoint endpoint) =>
        new(httpClients.CreateClient(SqlGatewayClientName), endpoint, time);
}

public static class FlinkSetup
{
    /// <summary>
    /// Registers <see cref="FlinkClientFactory"/> and the HTTP clients behind it: standard resilience per client (timeouts,
    /// circuit breaker, retries of GETs only — run, stop, savepoint and cancel are never retried blindly), with the
    /// pipeline selected per cluster authority so one failing cluster never opens the circuit of another.
    /// </summary>
    public static IServiceCollection AddAllDataFlink(this IServiceCollection services, Action<FlinkClientOptions>? configure = null)
    {
        var options = services.AddOptions<FlinkClientOptions>().BindConfiguration(FlinkClientOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FlinkClientFactory>();
        foreach (var name in new[] { FlinkClientFactory.JobManagerClientName, FlinkClientFactory.SqlGatewayClientName })
        {
            services.AddHttpClient(name, http => http.Timeout = Timeout.InfiniteTimeSpan)
                .AddStandardResilienceHandler(o => o.Retry.DisableForUnsafeHttpMethods())
                .SelectPipelineByAuthority();
            services.AddOptions<HttpStandardResilienceOptions>($"{name}-standard")
                .Configure<IOptions<FlinkClientOptions>>((o, flink) => Apply(o, flink.Value));
        }

        return services;
    }

    private static void Apply(HttpStandardResilienceOptions o, FlinkClientOptions flink)
    {
        o.AttemptTimeout.Timeout = flink.AttemptTimeout;
        o.TotalRequestTimeout.Timeout = flink.TotalTimeout;
        o.Retry.MaxRetryAttempts = Math.Max(1, flink.MaxRetries);
        o.Retry.Delay = flink.RetryBaseDelay;

        // A request marked single-attempt (the tracker's polls) is never retried: the next tick is its retry.
        var shouldHandle = o.Retry.ShouldHandle;
        o.Retry.ShouldHandle = args =>
            args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(FlinkRestTransport.SingleAttempt, out var single) && single
                ? ValueTask.FromResult(false)
                : shouldHandle(args);

        // The circuit breaker's sampling window must be at least twice the attempt timeout.
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(o.CircuitBreaker.SamplingDuration.Ticks, 2 * flink.AttemptTimeout.Ticks));
        if (flink.MaxRetries == 0)
        {
            o.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
        }
    }
}
