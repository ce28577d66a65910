using System.Net;

namespace AllData.Infrastructure.Flink;

/// <summary>A call to a Flink REST endpoint (JobManager or SQL Gateway) did not give a usable answer.</summary>
public abstract class FlinkClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Flink answered with a non-2xx status. <see cref="Errors"/> is its <c>{"errors":[...]}</c> list: errors[0] is the
/// message, and for unhandled server errors errors[1] holds the exception text (the SQL Gateway's only place for it).
/// </summary>
public sealed class FlinkRestException(HttpStatusCode statusCode, IReadOnlyList<string> errors, string request)
    : FlinkClientException($"{request} answered {(int)statusCode}: {Summarise(errors)}")
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public IReadOnlyList<string> Errors { get; } = errors;

    /// <summary>The innermost cause Flink reported (the last <c>Caused by:</c> line), else the first line of the message.</summary>
    public string RootCause { get; } = FindRootCause(errors);

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    private static string Summarise(IReadOnlyList<string> errors) => errors.Count switch
    {
        0 => "no error message",
        _ => FindRootCause(errors),
    };

    private static string FindRootCause(IReadOnlyList<string> errors)
    {
        // errors[0] is "Internal server error." for unhandled failures; the detail is in the next entry.
        var detail = errors.Count > 1 && errors[0].StartsWith("Internal server error", StringComparison.Ordinal) ? errors[1] : errors.Count > 0 ? errors[0] : null;
        if (string.IsNullOrWhiteSpace(detail))
        {
            return "no error message";
        }

        var lines = detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var causedBy = lines.LastOrDefault(l => l.StartsWith("Caused by: ", StringComparison.Ordinal));
        var line = causedBy is null ? lines[0] : causedBy["Caused by: ".Length..];
        return line.StartsWith("<Exception on server side:", StringComparison.Ordinal) && lines.Length > 1 ? lines[1] : line;
    }
}

public enum FlinkUnreachableReason
{
    ConnectionFailed,
    NameResolution,
    Tls,
    Timeout,

    /// <summary>The per-cluster circuit breaker is open after repeated failures.</summary>
    CircuitOpen,
}

/// <summary>No answer from the endpoint at all; AllData cannot tell the state of anything on it.</summary>
public sealed class FlinkUnreachableException(FlinkUnreachableReason reason, string request, Exception? inner)
    : FlinkClientException($"{request} did not answer: {Describe(reason)}.", inner)
{
    public FlinkUnreachableReason Reason { get; } = reason;

    private static string Describe(FlinkUnreachableReason reason) => reason switch
    {
        FlinkUnreachableReason.ConnectionFailed => "connection failed",
        FlinkUnreachableReason.NameResolution => "host name not found",
        FlinkUnreachableReason.Tls => "TLS handshake failed",
        FlinkUnreachableReason.Timeout => "timed out",
        FlinkUnreachableReason.CircuitOpen => "circuit open after repeated failures",
        _ => reason.ToString(),
    };
}

/// <summary>Flink answered 2xx with a body that is not what the protocol says (malformed JSON, missing fields, unknown values).</summary>
public sealed class FlinkProtocolException(string message, Exception? inner = null) : FlinkClientException(message, inner);
