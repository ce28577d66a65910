using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace AllData.Infrastructure.Flink;

/// <summary>
/// Sends requests to one Flink REST endpoint and turns every way they can go wrong into a <see cref="FlinkClientException"/>:
/// <c>{"errors":[...]}</c> bodies, no answer at all (classified), and 2xx bodies that are not what the protocol says.
/// </summary>
internal sealed class FlinkRestTransport(HttpClient http, FlinkEndpoint endpoint)
{
    /// <summary>Request option read by the resilience pipeline: true means "do not retry this request".</summary>
    public static readonly HttpRequestOptionsKey<bool> SingleAttempt = new("AllData.Flink.SingleAttempt");

    private static readonly JsonTypeInfo<FlinkErrorBody> ErrorBodyType = FlinkJobManagerJson.Default.FlinkErrorBody;

    public FlinkEndpoint Endpoint { get; } = endpoint;

    /// <summary>Whether every request is sent once, never retried (see <see cref="SingleAttempt"/>).</summary>
    public bool SingleAttemptRequests { get; init; }

    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, content, HttpCompletionOption.ResponseContentRead, ct);
        var request = Describe(method, path);
        try
        {
            var body = await response.Content.ReadFromJsonAsync(type, ct);
            return body ?? throw new FlinkProtocolException($"{request} answered an empty body.");
        }
        catch (JsonException e)
        {
            throw new FlinkProtocolException($"{request} answered a body that is not the expected JSON: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new FlinkProtocolException($"{request} answered content type '{response.Content.Headers.ContentType}', not JSON.", e);
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new FlinkUnreachableException(FlinkUnreachableReason.ConnectionFailed, request, e);
        }
    }

    /// <summary>Sends a request whose success body AllData does not need (202 <c>{}</c>, 200 without content).</summary>
    public async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, content, HttpCompletionOption.ResponseContentRead, ct);
    }

    /// <summary>Sends a request; a non-2xx answer becomes a <see cref="FlinkRestException"/>. The caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, HttpContent? content, HttpCompletionOption completion, CancellationToken ct)
    {
        var request = Describe(method, path);
        using var message = new HttpRequestMessage(method, new Uri(Endpoint.BaseUrl, path.TrimStart('/'))) { Content = content };
        if (Endpoint.AuthorizationHeader is { Length: > 0 } auth)
        {
            message.Headers.TryAddWithoutValidation("Authorization", auth);
        }

        if (SingleAttemptRequests)
        {
            message.Options.Set(SingleAttempt, true);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, completion, ct);
        }
        catch (HttpRequestException e) when (!ct.IsCancellationRequested)
        {
            var reason = e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => FlinkUnreachableReason.NameResolution,
                HttpRequestError.SecureConnectionError => FlinkUnreachableReason.Tls,
                _ => FlinkUnreachableReason.ConnectionFailed,
            };
            throw new FlinkUnreachableException(reason, request, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new FlinkUnreachableException(FlinkUnreachableReason.Timeout, request, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new FlinkUnreachableException(FlinkUnreachableReason.Timeout, request, e);
        }
        catch (BrokenCircuitException e)
        {
            throw new FlinkUnreachableException(FlinkUnreachableReason.CircuitOpen, request, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var errors = await ReadErrorsAsync(response, ct);
            throw new FlinkRestException(response.StatusCode, errors, request);
        }
    }

    /// <summary>A text file served whole (Flink has no ranges): skips <paramref name="offset"/> bytes, keeps at most <paramref name="maxBytes"/>.</summary>
    public async Task<FlinkLogChunk> ReadTextTailAsync(string path, long offset, int maxBytes, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        using var response = await SendRawAsync(HttpMethod.Get, path, null, HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var tail = new MemoryStream();
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                tail.Write(buffer, 0, read);
                if (tail.Length > 2L * maxBytes)
                {
                    var keep = tail.GetBuffer().AsSpan((int)(tail.Length - maxBytes), maxBytes).ToArray();
                    tail.SetLength(0);
                    tail.Write(keep);
                }
            }

            var kept = tail.GetBuffer().AsSpan(0, (int)tail.Length);
            if (kept.Length > maxBytes)
            {
                kept = kept[^maxBytes..];
            }

            // A file shorter than the offset was rotated: read it from its start.
            var wanted = total >= offset ? offset : 0;
            var keptStart = total - kept.Length;
            if (wanted >= keptStart)
            {
                return new(Encoding.UTF8.GetString(kept[(int)(wanted - keptStart)..]), wanted, total, Truncated: false);
            }

            // Cut to the first whole line so the text starts cleanly.
            var newline = kept.IndexOf((byte)'\n');
            var cut = newline >= 0 && newline + 1 < kept.Length ? newline + 1 : 0;
            return new(Encoding.UTF8.GetString(kept[cut..]), keptStart + cut, total, Truncated: true);
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new FlinkUnreachableException(FlinkUnreachableReason.ConnectionFailed, Describe(HttpMethod.Get, path), e);
        }
    }

    private static async Task<IReadOnlyList<string>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            return [response.ReasonPhrase ?? "no body"];
        }

        try
        {
            if (JsonSerializer.Deserialize(text, ErrorBodyType) is { Errors: { Count: > 0 } errors })
            {
                return errors;
            }
        }
        catch (JsonException)
        {
            // Not Flink's error body (a proxy's HTML page, say): keep the start of the text.
        }

        return [text.Length > 500 ? text[..500] : text.Length > 0 ? text : response.ReasonPhrase ?? "no body"];
    }

    private string Describe(HttpMethod method, string path) => $"{method} {Endpoint.BaseUrl.GetLeftPart(UriPartial.Authority)}/{path.TrimStart('/')}";
}
