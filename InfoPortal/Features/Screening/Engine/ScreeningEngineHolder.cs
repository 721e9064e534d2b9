namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Holds the current compiled list and the list version it was compiled from. Readers take a
/// snapshot with one volatile read and keep using it for the whole text, so a list change never
/// tears a screening run; writers compile outside any lock and swap atomically.
/// </summary>
public sealed class ScreeningEngineHolder(ScreeningEngine initial, string version = "builtin-1", int revision = 0)
{
    private Compiled _current = new(initial, version, revision);

    public ScreeningEngine Current => Volatile.Read(ref _current).Engine;

    /// <summary>The engine and its list version, read together.</summary>
    public Compiled Snapshot => Volatile.Read(ref _current);

    /// <summary>Publishes <paramref name="next"/> (same version) and returns the engine it replaced.</summary>
    public ScreeningEngine Swap(ScreeningEngine next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var old = Volatile.Read(ref _current);
        return Interlocked.Exchange(ref _current, old with { Engine = next }).Engine;
    }

    /// <summary>
    /// Publishes an engine compiled from list revision <paramref name="revision"/> unless a newer
    /// revision is already in place (two reloads racing never leave the older one current).
    /// </summary>
    public bool TrySwap(ScreeningEngine next, string version, int revision)
    {
        ArgumentNullException.ThrowIfNull(next);
        var candidate = new Compiled(next, version, revision);
        while (true)
        {
            var old = Volatile.Read(ref _current);
            if (old.Revision > revision)
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, candidate, old), old))
            {
                return true;
            }
        }
    }

    public sealed record Compiled(ScreeningEngine Engine, string Version, int Revision);
}
