using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FlinkClusters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "flink_cluster_id",
                table: "job_runs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "flink_submitted_at",
                table: "job_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "flink_clusters",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    job_manager_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    sql_gateway_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    protected_auth_header = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    health_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    health_checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    health_latency_ms = table.Column<double>(type: "double precision", nullable: true),
                    flink_version = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    task_managers = table.Column<int>(type: "integer", nullable: false),
                    slots_total = table.Column<int>(type: "integer", nullable: false),
                    slots_available = table.Column<int>(type: "integer", nullable: false),
                    jobs_running = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_flink_clusters", x => x.id);
                    table.ForeignKey(
                        name: "fk_flink_clusters_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "flink_metric_samples",
                columns: table => new
                {
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resolution_seconds = table.Column<int>(type: "integer", nullable: false),
                    bucket = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    records_in_per_second = table.Column<double>(type: "double precision", nullable: false),
                    records_out_per_second = table.Column<double>(type: "double precision", nullable: false),
                    last_checkpoint_duration_ms = table.Column<double>(type: "double precision", nullable: true),
                    last_checkpoint_size = table.Column<double>(type: "double precision", nullable: true),
                    failed_checkpoints = table.Column<long>(type: "bigint", nullable: false),
                    restarts = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_flink_metric_samples", x => new { x.run_id, x.resolution_seconds, x.bucket });
                    table.ForeignKey(
                        name: "fk_flink_metric_samples_job_run_run_id",
                        column: x => x.run_id,
                        principalTable: "job_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "flink_savepoint_operations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    flink_job_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    trigger_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    polls = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    location = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_flink_savepoint_operations", x => x.id);
                    table.ForeignKey(
                        name: "fk_flink_savepoint_operations_job_run_run_id",
                        column: x => x.run_id,
                        principalTable: "job_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "flink_snapshots",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: true),
                    flink_job_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    checkpoint_id = table.Column<long>(type: "bigint", nullable: true),
                    path = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    state_size = table.Column<long>(type: "bigint", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_flink_snapshots", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "job_folders",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_folders", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_folders_job_folders_parent_id",
                        column: x => x.parent_id,
                        principalTable: "job_folders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_job_folders_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "workspace_variables",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    value = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    is_secret = table.Column<bool>(type: "boolean", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_workspace_variables", x => x.id);
                    table.ForeignKey(
                        name: "fk_workspace_variables_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    folder_id = table.Column<Guid>(type: "uuid", nullable: true),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    draft_sql = table.Column<string>(type: "text", nullable: false),
                    data_source_id = table.Column<Guid>(type: "uuid", nullable: true),
                    timeout_seconds = table.Column<int>(type: "integer", nullable: true),
                    row_cap = table.Column<int>(type: "integer", nullable: false),
                    flink_settings = table.Column<string>(type: "jsonb", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false),
                    latest_version_number = table.Column<int>(type: "integer", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    variables = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.ForeignKey(
                        name: "fk_jobs_job_folder_folder_id",
                        column: x => x.folder_id,
                        principalTable: "job_folders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_jobs_workspaces_workspace_id",
                        column: x => x.workspace_id,
                        principalTable: "workspaces",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "job_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    workspace_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    sql_text = table.Column<string>(type: "text", nullable: false),
                    settings = table.Column<string>(type: "jsonb", nullable: false),
                    comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    published_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    variables = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_job_versions_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_flink_cluster_id",
                table: "job_runs",
                column: "flink_cluster_id",
                filter: "flink_cluster_id IS NOT NULL AND status NOT IN ('Finished', 'Failed', 'Canceled')");

            migrationBuilder.CreateIndex(
                name: "ix_flink_clusters_workspace_id_name",
                table: "flink_clusters",
                columns: new[] { "workspace_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_flink_metric_samples_resolution_seconds_bucket",
                table: "flink_metric_samples",
                columns: new[] { "resolution_seconds", "bucket" });

            migrationBuilder.CreateIndex(
                name: "ix_flink_savepoint_operations_run_id_started_at",
                table: "flink_savepoint_operations",
                columns: new[] { "run_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_flink_snapshots_flink_job_id_path",
                table: "flink_snapshots",
                columns: new[] { "flink_job_id", "path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_flink_snapshots_job_id_completed_at",
                table: "flink_snapshots",
                columns: new[] { "job_id", "completed_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_job_folders_parent_id",
                table: "job_folders",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_job_folders_workspace_id_parent_id_name",
                table: "job_folders",
                columns: new[] { "workspace_id", "parent_id", "name" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_job_versions_job_id_number",
                table: "job_versions",
                columns: new[] { "job_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_jobs_folder_id",
                table: "jobs",
                column: "folder_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_workspace_id_folder_id_name",
                table: "jobs",
                columns: new[] { "workspace_id", "folder_id", "name" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_workspace_variables_workspace_id_name",
                table: "workspace_variables",
                columns: new[] { "workspace_id", "name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "flink_clusters");

            migrationBuilder.DropTable(
                name: "flink_metric_samples");

            migrationBuilder.DropTable(
                name: "flink_savepoint_operations");

            migrationBuilder.DropTable(
                name: "flink_snapshots");

            migrationBuilder.DropTable(
                name: "job_versions");

            migrationBuilder.DropTable(
                name: "workspace_variables");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "job_folders");

            migrationBuilder.DropIndex(
                name: "ix_job_runs_flink_cluster_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "flink_cluster_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "flink_submitted_at",
                table: "job_runs");
        }
    }
}
