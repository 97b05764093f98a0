using System.Diagnostics;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence.Idempotency;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// Commits the request's changes and, in the same SaveChanges, one outbox row per integration event raised with them:
/// both are committed or neither. Once committed, the events are handed on to be published (the dispatcher is told of
/// them before the commit starts, so it never has to read back what it was given). The commit goes through the
/// database's writer, with whatever else the request's context holds.
/// </summary>
internal sealed class UnitOfWork(
    OrdersDbContext db,
    NewRows newRows,
    ScopedIntegrationEvents events,
    IntegrationEventSerializer serializer,
    IDatabaseWriter writer,
    IOutboxHandIn? handIn = null) : IUnitOfWork
{
    public async Task SaveChangesAsync(CancellationToken cancellationToken)
    {
        var raisedIn = Activity.Current?.Context ?? default;

        // EF Core's own instrumentation is a prerelease package: the commit is traced here instead.
        using var activity = Telemetry.Source.StartActivity("commit");
        var traceParent = Telemetry.CurrentTraceParent();
        var raised = events.Uncommitted;
        activity?.SetTag("cleansse.outbox.rows", raised.Count);
        var rows = new List<OutboxMessage>(raised.Count);
        foreach (var (integrationEvent, type) in raised)
        {
            rows.Add(new OutboxMessage
            {
                EventId = integrationEvent.EventId,
                Type = type.Name,
                Version = type.Version,
                Payload = serializer.Serialize(integrationEvent, type),
                OccurredAt = integrationEvent.OccurredAt,
                TraceParent = traceParent,
            });
        }

        foreach (var row in rows)
        {
            newRows.Add(row);
        }

        // Before the commit: once it is done a dispatch may find the rows before this request asks for it.
        handIn?.Expect(raised, raisedIn);
        try
        {
            // Accepted only once committed: a group whose commit fails leaves the changes pending, as a failed save does.
            await writer.SaveChangesAsync(db, newRows, cancellationToken);
        }
        catch (DbUpdateConcurrencyException exception)
        {
            Forget(rows, raised);
            activity?.SetStatus(ActivityStatusCode.Error, "concurrency conflict");
            throw new ConcurrencyConflictException("The order was changed by another request; read it again and retry.", exception);
        }
        catch (DbUpdateException exception) when (IdempotencyStore.IsKeyTaken(db, exception))
        {
            Forget(rows, raised);
            IdempotencyStore.ForgetAdded(db);
            throw new IdempotencyKeyTakenException("A concurrent request with the same idempotency key was committed first.", exception);
        }
        catch
        {
            Forget(rows, raised);
            activity?.SetStatus(ActivityStatusCode.Error);
            throw;
        }

        db.ChangeTracker.AcceptAllChanges();
        newRows.Clear();
        events.MarkCommitted(raised);
    }

    // Not committed, so not to be committed by a later save in this scope either: the events stay raised instead.
    private void Forget(List<OutboxMessage> rows, IReadOnlyList<RaisedIntegrationEvent> raised)
    {
        handIn?.Forget(raised);
        foreach (var row in rows)
        {
            newRows.Remove(row);
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
