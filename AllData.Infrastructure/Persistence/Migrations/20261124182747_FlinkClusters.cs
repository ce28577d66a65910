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
            migrationBuilder.AddColumn<string>(
                name: "flink_settings",
                table: "jobs",
                type: "jsonb",
                nullable: true);

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

            migrationBuilder.DropIndex(
                name: "ix_job_runs_flink_cluster_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "flink_settings",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "flink_cluster_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "flink_submitted_at",
                table: "job_runs");
        }
    }
}
