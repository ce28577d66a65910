using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Catalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "data_sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    database = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    user_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    protected_password = table.Column<string>(type: "text", nullable: true),
                    ssl_mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    options = table.Column<string>(type: "jsonb", nullable: false),
                    is_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_sources", x => x.id);
                    table.ForeignKey(
                        name: "fk_data_sources_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_schemas",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_schemas", x => x.id);
                    table.ForeignKey(
                        name: "fk_catalog_schemas_data_source_data_source_id",
                        column: x => x.data_source_id,
                        principalTable: "data_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_sync_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    table_count = table.Column<int>(type: "integer", nullable: false),
                    column_count = table.Column<int>(type: "integer", nullable: false),
                    tables_added = table.Column<int>(type: "integer", nullable: false),
                    tables_removed = table.Column<int>(type: "integer", nullable: false),
                    columns_added = table.Column<int>(type: "integer", nullable: false),
                    columns_removed = table.Column<int>(type: "integer", nullable: false),
                    columns_changed = table.Column<int>(type: "integer", nullable: false),
                    query_count = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_sync_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_catalog_sync_runs_data_source_data_source_id",
                        column: x => x.data_source_id,
                        principalTable: "data_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_tables",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    schema_name = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true),
                    estimated_rows = table.Column<long>(type: "bigint", nullable: true),
                    total_bytes = table.Column<long>(type: "bigint", nullable: true),
                    definition = table.Column<string>(type: "text", nullable: true),
                    partition_key = table.Column<string>(type: "text", nullable: true),
                    primary_key = table.Column<string>(type: "jsonb", nullable: true),
                    unique_constraints = table.Column<string>(type: "jsonb", nullable: false),
                    foreign_keys = table.Column<string>(type: "jsonb", nullable: false),
                    indexes = table.Column<string>(type: "jsonb", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    owner = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_synced_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_tables", x => x.id);
                    table.ForeignKey(
                        name: "fk_catalog_tables_data_source_data_source_id",
                        column: x => x.data_source_id,
                        principalTable: "data_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sync_run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    schema_name = table.Column<string>(type: "text", nullable: false),
                    table_name = table.Column<string>(type: "text", nullable: false),
                    column_name = table.Column<string>(type: "text", nullable: true),
                    aspects = table.Column<int>(type: "integer", nullable: false),
                    before = table.Column<string>(type: "text", nullable: true),
                    after = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_catalog_changes_catalog_sync_run_sync_run_id",
                        column: x => x.sync_run_id,
                        principalTable: "catalog_sync_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "catalog_columns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    data_type = table.Column<string>(type: "text", nullable: false),
                    is_nullable = table.Column<bool>(type: "boolean", nullable: false),
                    @default = table.Column<string>(name: "default", type: "text", nullable: true),
                    generation = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true),
                    description = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string[]>(type: "text[]", nullable: false),
                    search_text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_columns", x => x.id);
                    table.ForeignKey(
                        name: "fk_catalog_columns_catalog_table_table_id",
                        column: x => x.table_id,
                        principalTable: "catalog_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_changes_data_source_id_schema_name_table_name_at",
                table: "catalog_changes",
                columns: new[] { "data_source_id", "schema_name", "table_name", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_changes_sync_run_id",
                table: "catalog_changes",
                column: "sync_run_id");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_columns_search_text",
                table: "catalog_columns",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_columns_table_id_name",
                table: "catalog_columns",
                columns: new[] { "table_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_columns_workspace_id_data_source_id",
                table: "catalog_columns",
                columns: new[] { "workspace_id", "data_source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_schemas_data_source_id_name",
                table: "catalog_schemas",
                columns: new[] { "data_source_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_sync_runs_data_source_id_started_at",
                table: "catalog_sync_runs",
                columns: new[] { "data_source_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_tables_data_source_id_schema_name_name",
                table: "catalog_tables",
                columns: new[] { "data_source_id", "schema_name", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_tables_search_text",
                table: "catalog_tables",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_tables_workspace_id",
                table: "catalog_tables",
                column: "workspace_id");

            migrationBuilder.CreateIndex(
                name: "ix_data_sources_workspace_id_name",
                table: "data_sources",
                columns: new[] { "workspace_id", "name" },
                unique: true);

            // Name-prefix search (exact and "starts with") runs on these btree indexes; EF cannot model expression indexes.
            migrationBuilder.Sql("CREATE INDEX ix_catalog_tables_name_prefix ON catalog_tables (workspace_id, lower(name) text_pattern_ops);");
            migrationBuilder.Sql("CREATE INDEX ix_catalog_columns_name_prefix ON catalog_columns (workspace_id, lower(name) text_pattern_ops);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_catalog_tables_name_prefix;");
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_catalog_columns_name_prefix;");

            migrationBuilder.DropTable(
                name: "catalog_changes");

            migrationBuilder.DropTable(
                name: "catalog_columns");

            migrationBuilder.DropTable(
                name: "catalog_schemas");

            migrationBuilder.DropTable(
                name: "catalog_sync_runs");

            migrationBuilder.DropTable(
                name: "catalog_tables");

            migrationBuilder.DropTable(
                name: "data_sources");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
