using AllData.Infrastructure;
using AllData.Domain.Identity;
using AllData.Infrastructure.Identity;
using AllData.Infrastructure.Operations;
using AllData.Infrastructure.Persistence;
using AllData.Tests.Fixtures;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace AllData.Tests.Components;

/// <summary>
/// bUnit context for MudBlazor components (as MudBlazor's own tests: loose JS interop, no transitions, no popover-provider
/// check), with the app's localization and services registered. Rendering touches no database.
/// </summary>
public class MudTestContext : BunitContext, IAsyncLifetime
{
    public MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddLogging();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:AllData"] = "Host=127.0.0.1;Port=1;Database=none" })
            .Build();
        Services.AddHttpContextAccessor();
        Services.AddAllDataInfrastructure(configuration);
        Services.AddScoped<TestCurrentUser>();
        Services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<TestCurrentUser>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services are only asynchronously disposable: dispose the container asynchronously before xunit's Dispose.
    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    public static UserAccess Access(WorkspaceRole role, bool systemAdmin = false, params string[] otherWorkspaces)
    {
        var current = new WorkspaceAccess(Guid.NewGuid(), "Analytics", role);
        var all = new List<WorkspaceAccess> { current };
        all.AddRange(otherWorkspaces.Select(n => new WorkspaceAccess(Guid.NewGuid(), n, WorkspaceRole.Viewer)));
        return new UserAccess("u1", "ada", "Ada Lovelace", systemAdmin, false, current, all);
    }
}
