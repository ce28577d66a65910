using AllData.Domain.Catalog;

namespace AllData.Tests.Domain.Catalog;

public sealed class DdlTests
{
    private static readonly FlinkConnection Connection = new("db.local", 5432, "shop", "reader");

    private static readonly TableSnapshot Orders = new()
    {
        Schema = "sales",
        Name = "orders",
        Comment = "One row per order",
        Columns =
        [
            new(1, "id", "bigint", false, Generation: ColumnGeneration.IdentityAlways),
            new(2, "customer_id", "integer", true),
            new(3, "total", "numeric(12,2)", false, "0"),
            new(4, "status", "character varying(20)", false, "'new'::character varying", Comment: "it's the state"),
            new(5, "created_at", "timestamp with time zone", false, "now()"),
            new(6, "shipped_at", "timestamp(3) without time zone", true),
            new(7, "payload", "jsonb", true),
            new(8, "tags", "text[]", true),
            new(9, "ref", "uuid", true),
            new(10, "blob", "bytea", true),
            new(11, "user", "text", true),
        ],
        PrimaryKey = new("orders_pkey", ["id"]),
        UniqueConstraints = [new("orders_ref_key", ["ref"])],
        ForeignKeys = [new("orders_customer_fk", ["customer_id"], "sales", "Customers", ["id"], OnDelete: "CASCADE")],
        Indexes =
        [
            new("orders_pkey", "CREATE UNIQUE INDEX orders_pkey ON sales.orders USING btree (id)", true, true, true),
            new("orders_created_idx", "CREATE INDEX orders_created_idx ON sales.orders USING btree (created_at)", false, false, false),
        ],
    };

    [Theory]
    [InlineData("integer", "INT")]
    [InlineData("smallint", "SMALLINT")]
    [InlineData("bigint", "BIGINT")]
    [InlineData("real", "FLOAT")]
    [InlineData("double precision", "DOUBLE")]
    [InlineData("numeric(10,2)", "DECIMAL(10, 2)")]
    [InlineData("numeric", "DECIMAL(38, 18)")]
    [InlineData("character varying(20)", "VARCHAR(20)")]
    [InlineData("character varying", "STRING")]
    [InlineData("character(3)", "CHAR(3)")]
    [InlineData("text", "STRING")]
    [InlineData("boolean", "BOOLEAN")]
    [InlineData("date", "DATE")]
    [InlineData("time(3) without time zone", "TIME(3)")]
    [InlineData("timestamp without time zone", "TIMESTAMP(6)")]
    [InlineData("timestamp(3) without time zone", "TIMESTAMP(3)")]
    [InlineData("timestamp with time zone", "TIMESTAMP_LTZ(6)")]
    [InlineData("timestamp(0) with time zone", "TIMESTAMP_LTZ(0)")]
    [InlineData("bytea", "BYTES")]
    [InlineData("json", "STRING")]
    [InlineData("jsonb", "STRING")]
    [InlineData("uuid", "STRING")]
    [InlineData("integer[]", "ARRAY<INT>")]
    [InlineData("numeric(5,1)[]", "ARRAY<DECIMAL(5, 1)>")]
    [InlineData("character varying(10)[][]", "ARRAY<ARRAY<VARCHAR(10)>>")]
    public void Postgres_types_map_to_flink_types(string postgres, string flink) =>
        Assert.Equal(flink, FlinkDdl.MapType(postgres));

    [Fact]
    public void Jdbc_ddl_has_columns_primary_key_and_connector_options()
    {
        var ddl = FlinkDdl.Jdbc(Orders, Connection);
        Assert.Equal(
            """
            CREATE TABLE `orders` (
                `id` BIGINT NOT NULL,
                `customer_id` INT,
                `total` DECIMAL(12, 2) NOT NULL,
                `status` VARCHAR(20) NOT NULL,
                `created_at` TIMESTAMP_LTZ(6) NOT NULL,
                `shipped_at` TIMESTAMP(3),
                `payload` STRING,
                `tags` ARRAY<STRING>,
                `ref` STRING,
                `blob` BYTES,
                `user` STRING,
                PRIMARY KEY (`id`) NOT ENFORCED
            ) WITH (
                'connector' = 'jdbc',
                'url' = 'jdbc:postgresql://db.local:5432/shop',
                'table-name' = 'sales.orders',
                'username' = 'reader',
                'password' = '${password}'
            );

            """.ReplaceLineEndings("\n"), ddl);
    }

    [Fact]
    public void Cdc_ddl_names_schema_table_and_slot()
    {
        var ddl = FlinkDdl.PostgresCdc(Orders with { Name = "Order Lines" }, Connection);
        Assert.Contains("CREATE TABLE `Order Lines` (", ddl);
        Assert.Contains("'connector' = 'postgres-cdc'", ddl);
        Assert.Contains("'schema-name' = 'sales'", ddl);
        Assert.Contains("'table-name' = 'Order Lines'", ddl);
        Assert.Contains("'slot.name' = 'flink_sales_order_lines'", ddl);
        Assert.Contains("PRIMARY KEY (`id`) NOT ENFORCED", ddl);
    }

    [Fact]
    public void Flink_identifiers_double_backticks()
    {
        var ddl = FlinkDdl.Jdbc(new TableSnapshot { Schema = "s", Name = "we`ird", Columns = [new(1, "a`b", "text", true)] }, Connection);
        Assert.StartsWith("CREATE TABLE `we``ird` (\n    `a``b` STRING\n) WITH", ddl);
        Assert.DoesNotContain("PRIMARY KEY", ddl);
    }

    [Fact]
    public void Postgres_ddl_has_columns_constraints_free_indexes_and_comments()
    {
        var ddl = PostgresDdl.Generate(Orders);
        Assert.Equal(
            """
            CREATE TABLE sales.orders (
                id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                customer_id integer,
                total numeric(12,2) DEFAULT 0 NOT NULL,
                status character varying(20) DEFAULT 'new'::character varying NOT NULL,
                created_at timestamp with time zone DEFAULT now() NOT NULL,
                shipped_at timestamp(3) without time zone,
                payload jsonb,
                tags text[],
                ref uuid,
                blob bytea,
                "user" text,
                CONSTRAINT orders_pkey PRIMARY KEY (id),
                CONSTRAINT orders_ref_key UNIQUE (ref),
                CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES sales."Customers" (id) ON DELETE CASCADE
            );

            CREATE INDEX orders_created_idx ON sales.orders USING btree (created_at);

            COMMENT ON TABLE sales.orders IS 'One row per order';
            COMMENT ON COLUMN sales.orders.status IS 'it''s the state';

            """.ReplaceLineEndings("\n"), ddl);
    }

    [Theory]
    [InlineData("orders", "orders")]
    [InlineData("Orders", "\"Orders\"")]
    [InlineData("we;ird", "\"we;ird\"")]
    [InlineData("ta\"ble", "\"ta\"\"ble\"")]
    [InlineData("select", "\"select\"")]
    [InlineData("订单", "\"订单\"")]
    [InlineData("1abc", "\"1abc\"")]
    public void Postgres_identifiers_are_quoted_only_when_needed(string name, string quoted) =>
        Assert.Equal(quoted, PostgresDdl.Quote(name));

    [Fact]
    public void View_ddl_uses_its_definition()
    {
        var view = new TableSnapshot { Schema = "public", Name = "v", Kind = TableKind.View, Definition = " SELECT 1 AS one;" };
        Assert.Equal("CREATE VIEW public.v AS\nSELECT 1 AS one;\n", PostgresDdl.Generate(view));
    }
}
