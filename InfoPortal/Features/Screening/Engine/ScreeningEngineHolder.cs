namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// Holds the current compiled list. Readers take a snapshot with one volatile read and keep using it
/// for the whole text, so a list change never tears a screening run; writers swap atomically.
/// </summary>
public sealed class ScreeningEngineHolder(ScreeningEngine initial)
{
    private ScreeningEngine _current = initial;

    public ScreeningEngine Current => Volatile.Read(ref _current);

    /// <summary>Publishes <paramref name="next"/> and returns the engine it replaced.</summary>
    public ScreeningEngine Swap(ScreeningEngine next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }
}
