namespace AllData.Web.Api;

/// <summary>One page of a list: <see cref="Items"/>, the <see cref="Total"/> count, and the page asked for (0-based).</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public static class Paging
{
    public const int DefaultSize = 50;
    public const int MaxSize = 200;

    public static int Size(int? pageSize) => Math.Clamp(pageSize ?? DefaultSize, 1, MaxSize);

    /// <summary>A page cut from a list already in memory.</summary>
    public static PageOf<T> PageOf<T>(IReadOnlyList<T> all, int? page, int? pageSize)
    {
        var size = Size(pageSize);
        var index = Math.Max(0, page ?? 0);
        return new PageOf<T>([.. all.Skip(index * size).Take(size)], all.Count, index, size);
    }
}
