using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "after_run_id",
                table: "quality_scans",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_tables",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    table_id = table.Column<Guid>(type: "uuid", nullable: false),
                    access = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_tables", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_tables_catalog_tables_table_id",
                        column: x => x.table_id,
                        principalTable: "catalog_tables",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_tables_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_tables_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_quality_scans_after_run_id",
                table: "quality_scans",
                column: "after_run_id",
                filter: "after_run_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_job_tables_job_id_table_id_access",
                table: "job_tables",
                columns: new[] { "job_id", "table_id", "access" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_job_tables_table_id",
                table: "job_tables",
                column: "table_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_tables_workspace_id",
                table: "job_tables",
                column: "workspace_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_tables");

            migrationBuilder.DropIndex(
                name: "ix_quality_scans_after_run_id",
                table: "quality_scans");

            migrationBuilder.DropColumn(
                name: "after_run_id",
                table: "quality_scans");
        }
    }
}
