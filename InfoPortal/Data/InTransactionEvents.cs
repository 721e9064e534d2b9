namespace InfoPortal.Data;

/// <summary>
/// Handles <typeparamref name="TEvent"/> inside the transaction of the change that raised it, on the
/// same <see cref="PortalDbContext"/>: what it writes commits or rolls back with that change. A feature
/// lower in the graph raises the event; the features above it that keep rows depending on it register a
/// handler. Nothing calls back up (ADR 0059, like eShop's <c>TransactionBehavior</c> with its domain events).
/// </summary>
public interface IInTransactionHandler<in TEvent>
{
    Task HandleAsync(PortalDbContext db, TEvent @event, CancellationToken cancellationToken);
}

/// <summary>Raises an event to every registered <see cref="IInTransactionHandler{TEvent}"/>, in registration order.</summary>
public sealed class InTransactionEvents(IServiceProvider services)
{
    /// <summary>
    /// Call inside the raising change's transaction, before its commit. A handler that throws fails the
    /// change (the caller rolls back): nothing half-applied.
    /// </summary>
    public async Task RaiseAsync<TEvent>(PortalDbContext db, TEvent @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"{typeof(TEvent).Name} is handled in the raising change's transaction; begin one first.");
        }

        foreach (var handler in services.GetServices<IInTransactionHandler<TEvent>>())
        {
            await handler.HandleAsync(db, @event, cancellationToken);
        }
    }
}

public static class InTransactionEventsRegistration
{
    /// <summary>Registers <typeparamref name="THandler"/> for <typeparamref name="TEvent"/> (scoped, like the services that raise).</summary>
    public static IServiceCollection AddInTransactionHandler<TEvent, THandler>(this IServiceCollection services)
        where THandler : class, IInTransactionHandler<TEvent>
        => services.AddScoped<IInTransactionHandler<TEvent>, THandler>();
}
