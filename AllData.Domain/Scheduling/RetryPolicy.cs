using AllData.Domain.Common;

namespace AllData.Domain.Scheduling;

/// <summary>
/// How a schedule retries a failed run: up to <see cref="Count"/> more attempts, the first after <see cref="Delay"/>,
/// each later one twice as long when <see cref="Exponential"/> (capped at <see cref="MaxDelay"/>).
/// </summary>
public sealed record RetryPolicy(int Count, TimeSpan Delay, bool Exponential)
{
    public const int MaxCount = 10;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(6);

    public static RetryPolicy None { get; } = new(0, TimeSpan.Zero, false);

    public static RetryPolicy Create(int count, TimeSpan delay, bool exponential)
    {
        if (count is < 0 or > MaxCount)
        {
            throw new DomainException($"Retries must be between 0 and {MaxCount}.");
        }

        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            throw new DomainException("The retry delay must be between 0 and 6 hours.");
        }

        return new RetryPolicy(count, delay, exponential);
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 = the first retry).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        if (attempt < 2)
        {
            return TimeSpan.Zero;
        }

        if (!Exponential)
        {
            return Delay;
        }

        var factor = Math.Pow(2, Math.Min(attempt - 2, 20));
        var ticks = Math.Min(Delay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether a run that failed with <paramref name="error"/> on attempt <paramref name="attempt"/> is tried again.</summary>
    public bool ShouldRetry(int attempt, string? error) => attempt <= Count && FailureKinds.IsRetryable(error);
}

/// <summary>
/// Which failures a retry can fix. A broken script (a syntax error, an undefined variable, a missing table or column,
/// a permission the user lacks) fails the same way every time: retrying it only delays the alert. Everything else (a
/// lost connection, a timeout, a deadlock, a busy cluster) may pass on its own.
/// </summary>
public static class FailureKinds
{
    private static readonly string[] Permanent =
    [
        "syntax error",
        "is not defined",
        "unterminated",
        "there is no statement to run",
        "does not exist",
        "permission denied",
        "sqlstate 42",
        "42601",
        "42p01",
        "42703",
        "42501",
        "sqlparseexception",
        "sqlvalidatorexception",
        "validationexception",
        "no published version",
    ];

    public static bool IsRetryable(string? error) =>
        error is not null && !Permanent.Any(p => error.Contains(p, StringComparison.OrdinalIgnoreCase));
}
