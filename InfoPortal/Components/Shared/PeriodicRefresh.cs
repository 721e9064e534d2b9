using Microsoft.AspNetCore.Components;

namespace InfoPortal.Components.Shared;

/// <summary>
/// A component that reloads a small piece of state (a count) every <see cref="Interval"/> while
/// it is on screen in an interactive circuit. The timer starts after the first interactive render
/// (never during prerendering) and stops when the component is disposed. It also reloads after
/// every navigation, and whenever something in the same circuit says the user acted
/// (<see cref="BadgeRefresh.Request"/>: an approval, a publication), so a badge is current at
/// once, not up to one interval later.
/// </summary>
public abstract class PeriodicRefresh : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>How often to refresh; 30 seconds unless a test or page says otherwise.</summary>
    [Parameter]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private BadgeRefresh Badges { get; set; } = default!;

    /// <summary>Reloads the state; called on the renderer's thread.</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    protected override async Task OnInitializedAsync() => await RefreshAsync(_stop.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive && _loop is null)
        {
            _loop = LoopAsync(_stop.Token);
            Navigation.LocationChanged += OnLocationChanged;
            Badges.Requested += OnRequested;
        }
    }

    private void OnLocationChanged(object? sender, Microsoft.AspNetCore.Components.Routing.LocationChangedEventArgs e) => OnRequested();

    private void OnRequested() =>
        _ = InvokeAsync(async () =>
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await RefreshAsync(_stop.Token);
                StateHasChanged();
            }
            catch (OperationCanceledException)
            {
                // Disposed while refreshing.
            }
            catch (ObjectDisposedException)
            {
                // The circuit went away.
            }
        });

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(async () =>
                {
                    await RefreshAsync(cancellationToken);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between ticks.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            Navigation.LocationChanged -= OnLocationChanged;
            Badges.Requested -= OnRequested;
        }

        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown.
            }
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// One per circuit: a page that changed what a badge counts (an approval, a publication) calls
/// <see cref="Request"/>, and every <see cref="PeriodicRefresh"/> on screen reloads at once.
/// </summary>
public sealed class BadgeRefresh
{
    public event Action? Requested;

    public void Request() => Requested?.Invoke();
}
