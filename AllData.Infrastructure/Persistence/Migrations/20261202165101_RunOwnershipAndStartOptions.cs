using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RunOwnershipAndStartOptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancel_requested_at",
                table: "job_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cancel_requested_by",
                table: "job_runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_expires_at",
                table: "job_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "logical_time",
                table: "job_runs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner_instance_id",
                table: "job_runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parameters",
                table: "job_runs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "restore_path",
                table: "job_runs",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "schedule_id",
                table: "job_runs",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_job_runs_owner_instance_id",
                table: "job_runs",
                column: "owner_instance_id",
                filter: "owner_instance_id IS NOT NULL AND status NOT IN ('Finished', 'Failed', 'Canceled')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_job_runs_owner_instance_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "cancel_requested_at",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "cancel_requested_by",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "logical_time",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "owner_instance_id",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "parameters",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "restore_path",
                table: "job_runs");

            migrationBuilder.DropColumn(
                name: "schedule_id",
                table: "job_runs");
        }
    }
}
