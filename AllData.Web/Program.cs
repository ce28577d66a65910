using AllData.Infrastructure;
using AllData.Web;
using AllData.Web.Features.Studio;
using AllData.Web.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.Services
    .AddAllDataInfrastructure(builder.Configuration)
    .AddAllDataWeb(builder.Configuration)
    .AddAllDataLive();

var app = builder.Build();

await app.RunSetupAsync();

app.UseAllDataPipeline();
app.MapAllDataEndpoints();
app.MapStudioEndpoints();
app.MapAllDataLive();

await app.RunAsync();

/// <summary>The web application's entry point (public for the test host).</summary>
public partial class Program;
