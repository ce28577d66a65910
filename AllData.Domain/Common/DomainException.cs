namespace AllData.Domain.Common;

/// <summary>A rule of the domain was broken; the message is meant for the user.</summary>
public sealed class DomainException(string message) : Exception(message);
