using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FlinkHistoryServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "history_server_url",
                table: "flink_clusters",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "history_server_url",
                table: "flink_clusters");
        }
    }
}
