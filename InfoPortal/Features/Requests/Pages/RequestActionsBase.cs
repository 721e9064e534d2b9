using InfoPortal.Features.Columns;
using Microsoft.AspNetCore.Components;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Security;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Requests.Pages;

/// <summary>
/// A part of the request page's action bar. Requests draws the officer's own buttons (edit, submit,
/// withdraw); the features above it add theirs (Review the decision, Publishing publish, schedule and
/// take down) by registering a component with <see cref="RequestPageActions.AddRequestPageAction{T}"/>.
/// The page renders every registered part with the same parameters, so Requests never calls a
/// feature that depends on it (ADR 0059). The services check every permission again.
/// </summary>
public abstract class RequestActionsBase : ComponentBase
{
    [Parameter, EditorRequired]
    public PublicationRequest Request { get; set; } = default!;

    [Parameter, EditorRequired]
    public Actor Actor { get; set; } = default!;

    /// <summary>Every column, retired ones included (for names and the intranet choice).</summary>
    [Parameter]
    public IReadOnlyList<Column> Columns { get; set; } = [];

    /// <summary>The current content has screening warnings: approving needs a written acknowledgement.</summary>
    [Parameter]
    public bool HasWarnings { get; set; }

    /// <summary>Raised with the outcome in words, and whether it succeeded; the page reloads the request.</summary>
    [Parameter]
    public EventCallback<(string Message, bool Ok)> OnDone { get; set; }

    [Inject]
    private IStringLocalizer<SharedResource> Texts { get; set; } = default!;

    /// <summary>
    /// One action at a time: a double click must not send a second decision and show its (expected)
    /// refusal in red over the first one's success.
    /// </summary>
    protected bool Busy { get; set; }

    /// <summary>Runs one action and reports its outcome, or the refusal in words (e.g. someone decided first).</summary>
    protected async Task RunAsync(Func<Task<string>> action)
    {
        if (Busy)
        {
            return;
        }

        Busy = true;
        try
        {
            var message = await action();
            await OnDone.InvokeAsync((message, true));
        }
        catch (ValidationFailedException ex)
        {
            await OnDone.InvokeAsync((string.Join(" ", ex.LocalizedErrors(Texts).Values.SelectMany(v => v)), false));
        }
        catch (PortalException ex)
        {
            await OnDone.InvokeAsync((ex.Localize(Texts), false));
        }
        finally
        {
            Busy = false;
        }
    }
}

/// <summary>A registered part of the request page's action bar, drawn in <see cref="Order"/>.</summary>
public sealed record RequestPageAction(Type Component, int Order);

public static class RequestPageActions
{
    /// <summary>Adds <typeparamref name="T"/> to the request page's action bar, after the officer's buttons.</summary>
    public static IServiceCollection AddRequestPageAction<T>(this IServiceCollection services, int order)
        where T : RequestActionsBase
        => services.AddSingleton(new RequestPageAction(typeof(T), order));
}
