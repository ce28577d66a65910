using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AllData.Tests.Fakes.Flink;

/// <summary>A request that matched a spec operation and passed its checks.</summary>
public sealed record FakeRequest(
    string Method,
    string Path,
    SpecOperation Operation,
    SpecDocument Spec,
    IReadOnlyDictionary<string, string> PathValues,
    IReadOnlyDictionary<string, string> Query,
    JsonNode? Json,
    FakeUpload? Upload,
    int ApiVersion);

public sealed record FakeUpload(string FileName, string? ContentType, byte[] Content);

public sealed record FakeResponse(int Status, JsonNode? Json = null, string? Text = null)
{
    /// <summary>Deliberately outside the spec (a state a newer Flink sends): the fake's answer check skips it.</summary>
    public bool OffSpec { get; init; }

    public static FakeResponse Ok(JsonNode json) => new(200, json);

    public static FakeResponse Accepted(JsonNode json) => new(202, json);

    public static FakeResponse Error(int status, params string[] errors) =>
        new(status, new JsonObject { ["errors"] = new JsonArray([.. errors.Select(e => JsonValue.Create(e))]) });

    /// <summary>Flink's answer to an unhandled exception: the detail sits in errors[1].</summary>
    public static FakeResponse InternalError(string exceptionText) =>
        Error(500, "Internal server error.", $"<Exception on server side:\n{exceptionText}\n\tat org.apache.flink.runtime.rest.handler.AbstractRestHandler.respondToRequest(AbstractRestHandler.java:83)\n\nEnd of exception on server side>");
}

/// <summary>
/// A Flink REST endpoint on a real loopback port: every request is checked against the release's spec (method, path,
/// query, body, with the wire corrections), every answer the fake gives is checked the same way, and each mismatch is
/// recorded as a violation that the test asserts away. Faults can be injected per endpoint.
/// </summary>
public abstract class FakeFlinkServer(FlinkSpecSet specs) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> violations = new();
    private readonly ConcurrentDictionary<string, int> counts = new();
    private readonly ConcurrentQueue<Fault> faults = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private WebApplication? app;

    public FlinkSpecSet Specs { get; } = specs;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int Port { get; private set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public bool IsRunning => app is not null;

    /// <summary>Every way a request or an answer differed from the spec, in order.</summary>
    public IReadOnlyList<string> Violations => [.. violations];

    /// <summary>
    /// Whether the fake's own answers are validated too (on by default). Benchmarks with thousands of jobs may turn it off;
    /// requests are always checked.
    /// </summary>
    public bool CheckAnswers { get; set; } = true;

    /// <summary>Called with the operation key before a valid request is answered (a test advancing its clock "during" a call).</summary>
    public Action<string>? BeforeAnswer { get; set; }

    /// <summary>When set, requests without exactly this <c>Authorization</c> header get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>Requests served per operation, keyed like <c>GET /jobs/overview</c>.</summary>
    public int RequestCount(string operationKey) => counts.GetValueOrDefault(operationKey);

    public int TotalRequests => counts.Values.Sum();

    public void ResetCounts() => counts.Clear();

    /// <summary>The next <paramref name="times"/> requests to the operation (or <c>*</c>) answer 500 with Flink's error body.</summary>
    public void FailNext(string operationKey, int times = 1) => faults.Enqueue(new Fault(operationKey, FaultKind.InternalError, times, TimeSpan.Zero));

    /// <summary>The next requests to the operation answer only after <paramref name="delay"/>.</summary>
    public void DelayNext(string operationKey, TimeSpan delay, int times = 1) => faults.Enqueue(new Fault(operationKey, FaultKind.Delay, times, delay));

    /// <summary>The next requests to the operation are cut off without an answer (the connection is reset), as a dying server does.</summary>
    public void DropNext(string operationKey, int times = 1) => faults.Enqueue(new Fault(operationKey, FaultKind.Drop, times, TimeSpan.Zero));

    /// <summary>The next requests to the operation answer 200 with a body that is not JSON.</summary>
    public void MalformNext(string operationKey, int times = 1) => faults.Enqueue(new Fault(operationKey, FaultKind.Malformed, times, TimeSpan.Zero));

    /// <summary>Starts listening (on a free port the first time, on the same port after <see cref="StopAsync"/>).</summary>
    public async Task StartAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (app is not null)
            {
                return;
            }

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = "Production",
            });
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
            var web = builder.Build();
            web.Run(ServeAsync);
            await web.StartAsync();
            var address = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            Port = new Uri(address).Port;
            app = web;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync"/>. State (jobs, jars) is kept.</summary>
    public async Task StopAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (app is { } web)
            {
                app = null;
                await web.StopAsync();
                await web.DisposeAsync();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        gate.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The spec document for a raw path and the path as that document names it, or null for an unknown version.</summary>
    protected abstract (SpecDocument? Spec, string Path, int Version) SelectSpec(string rawPath);

    protected abstract Task<FakeResponse> HandleAsync(FakeRequest r, CancellationToken ct);

    protected void Violation(string message) => violations.Enqueue(message);

    private async Task ServeAsync(HttpContext context)
    {
        var raw = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryStart = raw.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? raw : raw[..queryStart];
        var query = QueryHelpers.ParseQuery(queryStart < 0 ? string.Empty : raw[queryStart..]).ToDictionary(q => q.Key, q => q.Value.ToString());
        var method = context.Request.Method;
        var body = await ReadBodyAsync(context.Request);

        if (RequiredAuthorization is { } auth && context.Request.Headers.Authorization != auth)
        {
            await WriteAsync(context, FakeResponse.Error(401, "Unauthorized"));
            return;
        }

        var (spec, path, version) = SelectSpec(rawPath);
        IReadOnlyDictionary<string, string> pathValues = new Dictionary<string, string>();
        var pathKnown = false;
        var operation = spec is null ? null : spec.Find(method, path, out pathValues, out pathKnown);
        if (spec is null || operation is null)
        {
            Violation($"{method} {raw}: no such operation in the spec");
            await WriteAsync(context, pathKnown
                ? FakeResponse.Error(405, $"Request method {method} not allowed for {rawPath}")
                : FakeResponse.Error(404, $"Not found: {rawPath}"));
            return;
        }

        counts.AddOrUpdate(operation.Key, 1, (_, n) => n + 1);
        var problems = spec.ValidateParameters(operation, pathValues, query).ToList();
        var (json, upload) = ReadRequestBody(operation, spec, context.Request.ContentType, body, problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Violation($"{method} {raw} ({spec.Title}): {problem}");
            }

            await WriteAsync(context, FakeResponse.Error(400, $"Bad request: {string.Join("; ", problems)}"));
            return;
        }

        BeforeAnswer?.Invoke(operation.Key);
        switch (TakeFault(operation.Key))
        {
            case { Kind: FaultKind.InternalError }:
                await WriteAsync(context, FakeResponse.InternalError("java.lang.RuntimeException: injected fault"));
                return;
            case { Kind: FaultKind.Drop }:
                context.Abort();
                return;
            case { Kind: FaultKind.Malformed }:
                context.Response.ContentType = "application/json; charset=UTF-8";
                await context.Response.WriteAsync("{\"jobs\":[{\"jid\":\"", context.RequestAborted);
                return;
            case { Kind: FaultKind.Delay } delay:
                try
                {
                    await Task.Delay(delay.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                break;
        }

        var request = new FakeRequest(method, path, operation, spec, pathValues, query, json, upload, version);
        var response = await HandleAsync(request, context.RequestAborted);
        foreach (var problem in CheckAnswers && !response.OffSpec ? ValidateResponse(operation, spec, response) : [])
        {
            Violation($"answer to {method} {raw} ({spec.Title}): {problem}");
        }

        await WriteAsync(context, response);
    }

    private static (JsonNode? Json, FakeUpload? Upload) ReadRequestBody(
        SpecOperation operation, SpecDocument spec, string? contentType, byte[] body, List<string> problems)
    {
        if (operation.MultipartJarUpload)
        {
            var upload = ReadJarUpload(contentType, body, problems);
            return (null, upload);
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        if (operation.RequestBody is null)
        {
            if (text is not ("" or "{}"))
            {
                problems.Add($"the operation takes no body, got: {Shorten(text)}");
            }

            return (null, null);
        }

        if (text.Length > 0 && contentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            problems.Add($"body content type '{contentType}' is not application/json");
        }

        // Flink reads an empty body as {}.
        var effective = text.Length == 0 ? "{}" : text;
        try
        {
            problems.AddRange(spec.ValidateJson(operation.RequestBody, effective).Select(p => $"request body {p}"));
            return (JsonNode.Parse(effective), null);
        }
        catch (JsonException e)
        {
            problems.Add($"request body is not JSON: {e.Message}");
            return (null, null);
        }
    }

    /// <summary>README item 4: multipart/form-data with exactly one file part whose name ends in .jar.</summary>
    private static FakeUpload? ReadJarUpload(string? contentType, byte[] body, List<string> problems)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType != "multipart/form-data")
        {
            problems.Add($"jar upload content type '{contentType}' is not multipart/form-data");
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        var reader = new MultipartReader(boundary ?? string.Empty, new MemoryStream(body));
        var files = new List<FakeUpload>();
        try
        {
            while (reader.ReadNextSectionAsync().GetAwaiter().GetResult() is { } section)
            {
                var disposition = section.GetContentDispositionHeader();
                using var content = new MemoryStream();
                section.Body.CopyTo(content);
                if (disposition is null || !disposition.IsFileDisposition())
                {
                    problems.Add("jar upload has a part that is not a file");
                    continue;
                }

                files.Add(new FakeUpload(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? string.Empty, section.ContentType, content.ToArray()));
            }
        }
        catch (IOException e)
        {
            problems.Add($"jar upload is not valid multipart: {e.Message}");
            return null;
        }

        if (files is not [var file])
        {
            problems.Add($"jar upload must have exactly one file part, got {files.Count}");
            return null;
        }

        if (!file.FileName.EndsWith(".jar", StringComparison.Ordinal))
        {
            problems.Add($"jar upload file name '{file.FileName}' does not end in .jar");
        }

        return file;
    }

    private static IEnumerable<string> ValidateResponse(SpecOperation operation, SpecDocument spec, FakeResponse response)
    {
        if (response.Status is < 200 or >= 300)
        {
            return response.Json is null
                ? ["an error answer without a body"]
                : spec.ValidateJson(SpecDocument.ErrorBodyDefinition, response.Json.ToJsonString());
        }

        if (!operation.Responses.TryGetValue(response.Status, out var definition))
        {
            return [$"status {response.Status} is not declared (declared: {string.Join(", ", operation.Responses.Keys)})"];
        }

        if (operation.TextResponse)
        {
            return response.Text is null ? ["a text handler answered without text"] : [];
        }

        if (definition is null)
        {
            return response.Json is JsonObject { Count: 0 } ? [] : ["no content is declared, the answer must be {}"];
        }

        return response.Json is null ? ["no body"] : spec.ValidateJson(definition, response.Json.ToJsonString());
    }

    private static async Task WriteAsync(HttpContext context, FakeResponse response)
    {
        context.Response.StatusCode = response.Status;
        if (response.Text is { } text)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(text, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync((response.Json ?? new JsonObject()).ToJsonString(), context.RequestAborted);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private Fault? TakeFault(string operationKey)
    {
        lock (faults)
        {
            foreach (var fault in faults)
            {
                if ((fault.OperationKey == "*" || fault.OperationKey == operationKey) && fault.Remaining > 0)
                {
                    fault.Remaining--;
                    return fault;
                }
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private enum FaultKind
    {
        InternalError,
        Delay,
        Malformed,
        Drop,
    }

    private sealed class Fault(string operationKey, FaultKind kind, int times, TimeSpan delay)
    {
        public string OperationKey { get; } = operationKey;

        public FaultKind Kind { get; } = kind;

        public TimeSpan Delay { get; } = delay;

        public int Remaining { get; set; } = times;
    }
}
