namespace AllData.Domain.Common;

/// <summary>A rule of the domain was broken; the message is meant for the user.</summary>
public class DomainException(string message) : Exception(message);

/// <summary>The thing asked for does not exist (or is not visible in the acting user's workspace).</summary>
public sealed class NotFoundException(string message) : DomainException(message);
