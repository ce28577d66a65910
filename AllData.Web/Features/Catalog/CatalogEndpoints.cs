using AllData.Domain.Identity;
using AllData.Infrastructure.Catalog;
using AllData.Web.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllData.Web.Features.Catalog;

public static class CatalogEndpoints
{
    private const int SearchLimit = 200;

    public static RouteGroupBuilder MapCatalogEndpoints(this RouteGroupBuilder api)
    {
        var catalog = api.MapGroup("/catalog").WithTags("Catalog");
        catalog.MapGet("/search", SearchAsync).Permits(ApiScopes.Read)
            .WithName("SearchCatalog")
            .WithSummary("Searches table and column names, comments, descriptions and tags; the best 200 hits, a page at a time.");
        catalog.MapGet("/tables/{tableId:guid}", GetTableAsync).Permits(ApiScopes.Read)
            .WithName("GetTable").WithSummary("A table with its columns, keys and indexes as last synced.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        catalog.MapGet("/tables/{tableId:guid}/ddl", GetDdlAsync).Permits(ApiScopes.Read)
            .WithName("GetTableDdl").WithSummary("The table's PostgreSQL DDL and Flink JDBC and CDC table DDL (no password in them).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<PageOf<SearchHit>>> SearchAsync(string q, int? page, int? pageSize, CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(Paging.PageOf(await catalog.SearchAsync(q, SearchLimit, ct), page, pageSize));

    private static async Task<Ok<TableDetails>> GetTableAsync(Guid tableId, CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetTableAsync(tableId, ct));

    private static async Task<Ok<TableDdl>> GetDdlAsync(Guid tableId, CatalogService catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetDdlAsync(tableId, null, ct));
}
