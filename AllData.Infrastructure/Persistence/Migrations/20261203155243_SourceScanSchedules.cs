using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SourceScanSchedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "table_id",
                table: "quality_scan_schedules",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "data_source_id",
                table: "quality_scan_schedules",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_quality_scan_schedules_data_source_id",
                table: "quality_scan_schedules",
                column: "data_source_id",
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_quality_scan_schedules_one_target",
                table: "quality_scan_schedules",
                sql: "(table_id IS NULL) <> (data_source_id IS NULL)");

            migrationBuilder.AddForeignKey(
                name: "fk_quality_scan_schedules_data_sources_data_source_id",
                table: "quality_scan_schedules",
                column: "data_source_id",
                principalTable: "data_sources",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_quality_scan_schedules_data_sources_data_source_id",
                table: "quality_scan_schedules");

            migrationBuilder.DropIndex(
                name: "ix_quality_scan_schedules_data_source_id",
                table: "quality_scan_schedules");

            migrationBuilder.DropCheckConstraint(
                name: "ck_quality_scan_schedules_one_target",
                table: "quality_scan_schedules");

            migrationBuilder.DropColumn(
                name: "data_source_id",
                table: "quality_scan_schedules");

            migrationBuilder.AlterColumn<Guid>(
                name: "table_id",
                table: "quality_scan_schedules",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
