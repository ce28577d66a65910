using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Quality : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "quality_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    spec = table.Column<string>(type: "jsonb", nullable: false),
                    severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    weight = table.Column<int>(type: "integer", nullable: false),
                    is_blocking = table.Column<bool>(type: "boolean", nullable: false),
                    is_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_rules", x => x.id);
                    table.ForeignKey(
                        name: "fk_quality_rules_catalog_tables_table_id",
                        column: x => x.table_id,
                        principalTable: "catalog_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_quality_rules_data_sources_data_source_id",
                        column: x => x.data_source_id,
                        principalTable: "data_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quality_scans",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    started_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rows_scanned = table.Column<long>(type: "bigint", nullable: true),
                    query_count = table.Column<int>(type: "integer", nullable: false),
                    rule_count = table.Column<int>(type: "integer", nullable: false),
                    passed = table.Column<int>(type: "integer", nullable: false),
                    warned = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    errors = table.Column<int>(type: "integer", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    has_blocking_failure = table.Column<bool>(type: "boolean", nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    overridden_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    overridden_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    override_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_scans", x => x.id);
                    table.ForeignKey(
                        name: "fk_quality_scans_catalog_tables_table_id",
                        column: x => x.table_id,
                        principalTable: "catalog_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_quality_scans_data_sources_data_source_id",
                        column: x => x.data_source_id,
                        principalTable: "data_sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "quality_results",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    scan_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    weight = table.Column<int>(type: "integer", nullable: false),
                    severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    metric = table.Column<double>(type: "double precision", nullable: true),
                    rows = table.Column<long>(type: "bigint", nullable: true),
                    percent = table.Column<double>(type: "double precision", nullable: true),
                    baseline = table.Column<double>(type: "double precision", nullable: true),
                    deviation = table.Column<double>(type: "double precision", nullable: true),
                    threshold = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    samples = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_results", x => x.id);
                    table.ForeignKey(
                        name: "fk_quality_results_quality_rule_rule_id",
                        column: x => x.rule_id,
                        principalTable: "quality_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_quality_results_quality_scan_scan_id",
                        column: x => x.scan_id,
                        principalTable: "quality_scans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_quality_results_rule_id_at",
                table: "quality_results",
                columns: new[] { "rule_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_quality_results_scan_id",
                table: "quality_results",
                column: "scan_id");

            migrationBuilder.CreateIndex(
                name: "ix_quality_rules_data_source_id",
                table: "quality_rules",
                column: "data_source_id");

            migrationBuilder.CreateIndex(
                name: "ix_quality_rules_table_id_name",
                table: "quality_rules",
                columns: new[] { "table_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_quality_rules_workspace_id_data_source_id",
                table: "quality_rules",
                columns: new[] { "workspace_id", "data_source_id" });

            migrationBuilder.CreateIndex(
                name: "ix_quality_scans_batch_id",
                table: "quality_scans",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_quality_scans_data_source_id",
                table: "quality_scans",
                column: "data_source_id");

            migrationBuilder.CreateIndex(
                name: "ix_quality_scans_table_id_started_at",
                table: "quality_scans",
                columns: new[] { "table_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_quality_scans_workspace_id_started_at",
                table: "quality_scans",
                columns: new[] { "workspace_id", "started_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "quality_results");

            migrationBuilder.DropTable(
                name: "quality_rules");

            migrationBuilder.DropTable(
                name: "quality_scans");
        }
    }
}
