using AllData.Infrastructure.Scheduling;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllData.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class QuartzTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Raw SQL, kept apart: Quartz.NET's own PostgreSQL schema as the Quartz package ships it (see QuartzSchema).
            migrationBuilder.Sql(QuartzSchema.CreateTables);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(QuartzSchema.DropTables);

        }
    }
}
