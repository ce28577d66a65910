using AllData.Domain.Catalog;
using AllData.Domain.Quality;
using AllData.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AllData.Infrastructure.Quality;

/// <summary>
/// The rules the demo warehouse ships with: some pass, and some find its planted problems (null and duplicate
/// e-mails, negative quantities, orders of unknown customers, a product table nobody has added to for months).
/// </summary>
internal static class DemoQualityRules
{
    public static async Task EnsureAsync(AllDataDbContext db, Guid workspaceId, Guid sourceId, DateTimeOffset at, CancellationToken ct)
    {
        if (await db.Set<QualityRule>().AnyAsync(r => r.DataSourceId == sourceId, ct))
        {
            return;
        }

        var tables = await db.Set<CatalogTable>().Where(t => t.DataSourceId == sourceId && t.SchemaName == "shop")
            .ToDictionaryAsync(t => t.Name, t => t.Id, ct);
        if (!tables.TryGetValue("customers", out var customers))
        {
            return;
        }

        QualityRule Rule(string table, string name, QualityRuleSpec spec, QualitySeverity severity = QualitySeverity.Failure, int weight = 1,
            bool blocking = false, string? description = null) =>
            new(workspaceId, sourceId, tables[table], name, spec, severity, weight, blocking, description, "demo", at);

        db.AddRange(
            Rule("customers", "Has customers", new QualityRuleSpec { Type = QualityRuleType.RowCount, Threshold = QualityThreshold.Between(1, null) }),
            Rule("customers", "E-mail present", new QualityRuleSpec { Type = QualityRuleType.NotNull, Columns = ["email"], Threshold = QualityThreshold.AtMost(0) },
                weight: 3, description: "Every customer needs a contact e-mail."),
            Rule("customers", "E-mail unique", new QualityRuleSpec { Type = QualityRuleType.Unique, Columns = ["email"], Threshold = QualityThreshold.AtMost(0) },
                weight: 3, blocking: true, description: "Two customers must not share an e-mail: downstream mailings depend on it."),
            Rule("customers", "Known country", new QualityRuleSpec
            {
                Type = QualityRuleType.InSet, Columns = ["country"], Values = ["US", "CN", "DE", "FR", "BR", "JP", "IN", "GB"], Threshold = QualityThreshold.AtMost(0),
            }),
            Rule("orders", "Customer exists", new QualityRuleSpec
            {
                Type = QualityRuleType.Referential, Columns = ["customer_id"], ReferenceTableId = customers, ReferenceColumn = "id",
                Threshold = QualityThreshold.AtMost(0),
            }, weight: 2, description: "The legacy importer writes unknown customer ids."),
            Rule("orders", "Orders are fresh", new QualityRuleSpec { Type = QualityRuleType.Freshness, Columns = ["ordered_at"], Threshold = QualityThreshold.AtMost(24) },
                QualitySeverity.Warning),
            Rule("orders", "Known status", new QualityRuleSpec
            {
                Type = QualityRuleType.InSet, Columns = ["status"], Values = ["placed", "paid", "shipped", "delivered", "canceled", "returned"],
                Threshold = QualityThreshold.AtMost(0),
            }),
            Rule("order_items", "Quantity positive", new QualityRuleSpec
            {
                Type = QualityRuleType.ValueBetween, Columns = ["quantity"], Lower = 1, Upper = 1000, Threshold = QualityThreshold.AtMost(0),
            }, weight: 2),
            Rule("order_items", "Line key unique", new QualityRuleSpec
            {
                Type = QualityRuleType.Unique, Columns = ["order_id", "line_no"], Threshold = QualityThreshold.AtMost(0),
            }),
            Rule("products", "SKU format", new QualityRuleSpec
            {
                Type = QualityRuleType.Regex, Columns = ["sku"], Pattern = "^SKU-[0-9]{5}$", Threshold = QualityThreshold.AtMost(0),
            }),
            Rule("products", "New products this month", new QualityRuleSpec
            {
                Type = QualityRuleType.Freshness, Columns = ["created_at"], Threshold = QualityThreshold.AtMost(24 * 30),
            }, QualitySeverity.Warning, description: "The catalogue team adds products every month."),
            Rule("products", "Average price", new QualityRuleSpec
            {
                Type = QualityRuleType.Avg, Columns = ["price"], Threshold = QualityThreshold.DeviationAtMost(20, 7),
            }, QualitySeverity.Warning),
            Rule("page_events", "Anonymous share", new QualityRuleSpec
            {
                Type = QualityRuleType.NotNull, Columns = ["customer_id"], Threshold = QualityThreshold.PercentAtMost(50),
            }, QualitySeverity.Warning));
        await db.SaveChangesAsync(ct);
    }
}
