using System.Collections.Concurrent;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>
/// Reacts to one topic on this instance (recompile the word lists, evict cached pages). Register
/// with <c>services.AddClusterTopicHandler&lt;T&gt;()</c>. Handlers must be idempotent: a signal
/// can arrive twice (in process after the commit, then as the notification), and an "everything"
/// signal (<see cref="ClusterSignalEvent.IsEverything"/>) after a reconnect or a missed one.
/// </summary>
public interface IClusterTopicHandler
{
    string Topic { get; }

    Task HandleAsync(ClusterSignalEvent signal, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the handlers of a topic one signal at a time, remembers the newest version handled per
/// topic (for the version check) and skips a notification of a version this instance already
/// handled in process.
/// </summary>
public sealed class ClusterSignalDispatcher(IEnumerable<IClusterTopicHandler> handlers, ILogger<ClusterSignalDispatcher> logger)
{
    private readonly ILookup<string, IClusterTopicHandler> _handlers = handlers.ToLookup(h => h.Topic, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);

    /// <summary>Raised after the handlers of a signal ran (tests and diagnostics wait on it).</summary>
    public event Action<ClusterSignalEvent>? Handled;

    /// <summary>The newest version of <paramref name="topic"/> this instance has handled (0: none yet).</summary>
    public long HandledVersion(string topic) => _topics.TryGetValue(topic, out var state) ? Interlocked.Read(ref state.Newest) : 0;

    /// <summary>Handles a signal unless this exact version (with tags) was handled already. False when a handler failed.</summary>
    public async Task<bool> DispatchAsync(ClusterSignalEvent signal, CancellationToken cancellationToken = default)
    {
        var state = _topics.GetOrAdd(signal.Topic, _ => new TopicState());
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            // A tagged signal is handled once per version; an "everything" signal always runs,
            // since it stands for versions whose tags this instance never saw.
            if (!signal.IsEverything && state.Seen.Contains(signal.Version))
            {
                return true;
            }

            foreach (var handler in _handlers[signal.Topic])
            {
                try
                {
                    await handler.HandleAsync(signal, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The version is not marked handled: the next version check retries it.
                    logger.LogError(ex, "Cluster signal {Topic}:{Version} failed in {Handler}", signal.Topic, signal.Version, handler.GetType().Name);
                    return false;
                }
            }

            state.Remember(signal.Version);
            Handled?.Invoke(signal);
            return true;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    // SemaphoreSlim needs disposing only once its AvailableWaitHandle was used, which this never does.
#pragma warning disable CA1001
    private sealed class TopicState
#pragma warning restore CA1001
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly HashSet<long> Seen = [];
        private readonly Queue<long> _order = new();
        public long Newest;

        public void Remember(long version)
        {
            if (Seen.Add(version))
            {
                _order.Enqueue(version);
                if (_order.Count > 1024)
                {
                    Seen.Remove(_order.Dequeue());
                }
            }

            if (version > Newest)
            {
                Interlocked.Exchange(ref Newest, version);
            }
        }
    }
}
