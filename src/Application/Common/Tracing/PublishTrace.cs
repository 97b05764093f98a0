using System.Diagnostics;

namespace CleanSse.Application.Common.Tracing;

/// <summary>
/// Where one event's <c>publish</c> span joins its trace: as a child of <see cref="Parent"/> (the default: the current
/// span), linking <see cref="Link"/> when set (the outbox sweep that took a stored event, whose parent is its commit).
/// </summary>
public readonly record struct PublishTrace(ActivityContext Parent, ActivityContext Link = default);
