using Microsoft.AspNetCore.Components.Server.Circuits;

namespace InfoPortal.Tests.TestSupport;

/// <summary>Counts the server's open Blazor circuits, so a test waits for circuits to open or close on the server's events, not on a clock.</summary>
public sealed class CircuitCounter
{
    private readonly object _gate = new();
    private readonly List<(Func<int, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private int _open;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Finishes when the number of open circuits satisfies <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(Func<int, bool> condition, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (condition(_open))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    internal void Change(int delta)
    {
        lock (_gate)
        {
            _open += delta;
            foreach (var waiter in _waiters.Where(w => w.Condition(_open)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>The circuit handler that reports to the counter (one per circuit, as Blazor scopes them).</summary>
    public sealed class Handler(CircuitCounter counter) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            counter.Change(+1);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            counter.Change(-1);
            return Task.CompletedTask;
        }
    }
}
