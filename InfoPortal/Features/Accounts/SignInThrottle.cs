using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Counts failed sign-ins per client address so that guessing across many accounts from one
/// place gets 429, on top of Identity's per-account lockout. In memory: per instance, by design.
/// </summary>
public sealed class SignInThrottle(IOptions<SecurityOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);

    private sealed record Window(DateTimeOffset Start, int Count);

    public bool IsBlocked(string? address)
    {
        if (address is null || !_failures.TryGetValue(address, out var window))
        {
            return false;
        }

        return !Expired(window) && window.Count >= options.Value.MaxFailuresPerAddress;
    }

    public void RecordFailure(string? address)
    {
        if (address is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        _failures.AddOrUpdate(address, _ => new Window(now, 1), (_, w) => Expired(w) ? new Window(now, 1) : w with { Count = w.Count + 1 });
        if (_failures.Count > 10_000)
        {
            foreach (var (key, w) in _failures)
            {
                if (Expired(w)) _failures.TryRemove(key, out _);
            }
        }
    }

    public void Reset(string? address)
    {
        if (address is not null)
        {
            _failures.TryRemove(address, out _);
        }
    }

    private bool Expired(Window window) =>
        clock.GetUtcNow() - window.Start > TimeSpan.FromMinutes(options.Value.FailureWindowMinutes);
}
