namespace AllData.Web.Features.Studio.Components;

public sealed record MoveTarget(Guid? FolderId);
