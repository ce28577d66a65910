using AllData.Domain.Catalog;

namespace AllData.Tests.Domain.Catalog;

public sealed class CatalogDiffTests
{
    private static TableSnapshot Table(string name, params ColumnSnapshot[] columns) =>
        new() { Schema = "public", Name = name, Columns = columns };

    private static ColumnSnapshot Col(int position, string name, string type = "integer", bool nullable = true, string? @default = null) =>
        new(position, name, type, nullable, @default);

    [Fact]
    public void Identical_snapshots_have_no_changes()
    {
        var tables = new[] { Table("a", Col(1, "id"), Col(2, "name", "text")) };
        Assert.Empty(CatalogDiff.Compute(tables, tables.Select(t => t with { EstimatedRows = 99 })));
    }

    [Fact]
    public void Added_and_removed_tables_are_reported()
    {
        var changes = CatalogDiff.Compute([Table("old", Col(1, "id"))], [Table("new", Col(1, "id"))]);
        Assert.Equal(
            [(CatalogChangeKind.TableAdded, "new"), (CatalogChangeKind.TableRemoved, "old")],
            changes.Select(c => (c.Kind, c.Table.Name)));
    }

    [Fact]
    public void Column_additions_removals_and_changes_say_what_changed()
    {
        var before = Table("t", Col(1, "id", nullable: false), Col(2, "gone"), Col(3, "amount", "integer"), Col(4, "flag", "boolean"),
            Col(5, "status", "text", @default: "'new'::text"));
        var after = Table("t", Col(1, "id", nullable: false), Col(3, "amount", "numeric(10,2)"), Col(4, "flag", "boolean", nullable: false),
            Col(5, "status", "text"), Col(6, "added", "date"));

        var changes = CatalogDiff.Compute([before], [after]);

        Assert.Equal(
            [
                (CatalogChangeKind.ColumnChanged, "amount", ColumnAspects.Type),
                (CatalogChangeKind.ColumnChanged, "flag", ColumnAspects.Nullability),
                (CatalogChangeKind.ColumnChanged, "status", ColumnAspects.Default),
                (CatalogChangeKind.ColumnAdded, "added", ColumnAspects.None),
                (CatalogChangeKind.ColumnRemoved, "gone", ColumnAspects.None),
            ],
            changes.Select(c => (c.Kind, c.Column!, c.Aspects)));
        var amount = changes.Single(c => c.Column == "amount");
        Assert.Equal(("integer", "numeric(10,2)"), (amount.Before, amount.After));
    }

    [Fact]
    public void Column_names_are_compared_case_sensitively()
    {
        var changes = CatalogDiff.Compute([Table("t", Col(1, "Name"))], [Table("t", Col(1, "name"))]);
        Assert.Equal([CatalogChangeKind.ColumnAdded, CatalogChangeKind.ColumnRemoved], changes.Select(c => c.Kind));
    }

    [Fact]
    public void A_table_that_becomes_a_view_is_reported()
    {
        var changes = CatalogDiff.Compute([Table("t", Col(1, "id"))], [Table("t", Col(1, "id")) with { Kind = TableKind.View }]);
        var change = Assert.Single(changes);
        Assert.Equal((CatalogChangeKind.TableKindChanged, "Table", "View"), (change.Kind, change.Before, change.After));
    }
}
