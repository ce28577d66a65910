using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AllData.Infrastructure.Persistence;

/// <summary>Lets `dotnet ef` build the model without starting the web app.</summary>
internal sealed class AllDataDesignTimeFactory : IDesignTimeDbContextFactory<AllDataDbContext>
{
    public AllDataDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AllDataDbContext>();
        PersistenceSetup.Configure(options, "Host=127.0.0.1;Database=alldata_design");
        return new AllDataDbContext(options.Options);
    }
}
