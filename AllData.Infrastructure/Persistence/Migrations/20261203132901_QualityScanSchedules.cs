using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class QualityScanSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "quality_scan_schedules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cron = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    time_zone_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_scan_schedules", x => x.id);
                    table.ForeignKey(
                        name: "fk_quality_scan_schedules_catalog_tables_table_id",
                        column: x => x.table_id,
                        principalTable: "catalog_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_quality_scan_schedules_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_quality_scan_schedules_table_id",
                table: "quality_scan_schedules",
                column: "table_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_quality_scan_schedules_workspace_id",
                table: "quality_scan_schedules",
                column: "workspace_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "quality_scan_schedules");
        }
    }
}
