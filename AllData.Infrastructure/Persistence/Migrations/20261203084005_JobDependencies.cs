using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class JobDependencies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "job_dependencies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    upstream_job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    date = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    on_failure = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_dependencies", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_dependencies_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_dependencies_jobs_upstream_job_id",
                        column: x => x.upstream_job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_job_dependencies_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_dependencies_job_id_upstream_job_id",
                table: "job_dependencies",
                columns: new[] { "job_id", "upstream_job_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_job_dependencies_upstream_job_id",
                table: "job_dependencies",
                column: "upstream_job_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_dependencies_workspace_id",
                table: "job_dependencies",
                column: "workspace_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_dependencies");
        }
    }
}
