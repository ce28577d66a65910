namespace AllData.Infrastructure.Identity;

/// <summary>Who is acting in this scope (an HTTP request or a Blazor circuit). The web layer supplies it.</summary>
public interface ICurrentUser
{
    /// <summary>The signed-in user's id, or null when nobody is signed in.</summary>
    string? UserId { get; }
}
