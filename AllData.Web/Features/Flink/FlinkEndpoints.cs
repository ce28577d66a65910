using AllData.Domain.Flink;
using AllData.Domain.Identity;
using AllData.Infrastructure.Flink;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Flink;

/// <summary>A Flink cluster as the API lists it (never its auth header).</summary>
public sealed record FlinkClusterView(Guid Id, string Name, string JobManagerUrl, string? SqlGatewayUrl, FlinkClusterStatus? Status,
    DateTimeOffset? CheckedAt, string? FlinkVersion, int JobsRunning, int TrackedRuns)
{
    public static FlinkClusterView Of(FlinkClusterSummary c) =>
        new(c.Id, c.Name, c.JobManagerUrl, c.SqlGatewayUrl, c.Status, c.CheckedAt, c.FlinkVersion, c.JobsRunning, c.TrackedRuns);
}

/// <summary>A cluster's health as last probed: status, latency, slots and the last error.</summary>
public sealed record FlinkClusterHealthView(Guid Id, string Name, FlinkClusterStatus? Status, DateTimeOffset? CheckedAt, double? LatencyMs,
    string? FlinkVersion, int TaskManagers, int SlotsTotal, int SlotsAvailable, int JobsRunning, string? LastError, DateTimeOffset? LastErrorAt);

public static class FlinkEndpoints
{
    public static RouteGroupBuilder MapFlinkEndpoints(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/flink/clusters").WithTags("Flink");
        clusters.MapGet("/", ListAsync).Permits(ApiScopes.Read)
            .WithName("ListFlinkClusters").WithSummary("The workspace's Flink clusters with their last known status.");
        clusters.MapGet("/{clusterId:guid}/health", HealthAsync).Permits(ApiScopes.Read)
            .WithName("GetFlinkClusterHealth")
            .WithSummary("The cluster's health as the monitor last probed it (an unreachable cluster is Unreachable, its runs Unknown).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<PageOf<FlinkClusterView>>> ListAsync(int? page, int? pageSize, FlinkClusterService clusters, CancellationToken ct) =>
        TypedResults.Ok(Paging.PageOf([.. (await clusters.ListAsync(ct)).Select(FlinkClusterView.Of)], page, pageSize));

    private static async Task<Ok<FlinkClusterHealthView>> HealthAsync(Guid clusterId, FlinkClusterService clusters, CancellationToken ct)
    {
        var c = await clusters.GetAsync(clusterId, ct);
        return TypedResults.Ok(new FlinkClusterHealthView(c.Id, c.Name, c.Status, c.CheckedAt, c.LatencyMs, c.FlinkVersion, c.TaskManagers,
            c.SlotsTotal, c.SlotsAvailable, c.JobsRunning, c.LastError, c.LastErrorAt));
    }
}
