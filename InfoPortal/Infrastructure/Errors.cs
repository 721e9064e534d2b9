using Microsoft.Extensions.Localization;

namespace InfoPortal.Infrastructure;

// Domain errors that services and entities throw. The message is a resource key (or an already
// localised text, which localisation leaves as it is); the API maps the type to a status code and
// problem+json, pages show the localised message.

public abstract class PortalException(string message, object[] args) : Exception(message)
{
    public object[] Args { get; } = args;

    /// <summary>
    /// The API's status and stable problem code when the exception names its own (a feature's exception:
    /// 422 blocked by screening, 429 too many attempts…); null for the general kinds below, which the
    /// API maps by type. This way the API's error handling needs to know no feature (ADR 0057).
    /// </summary>
    public virtual (int Status, string Code)? Problem => null;

    /// <summary>Members the problem+json body carries besides the standard ones (e.g. the screening hits).</summary>
    public virtual IReadOnlyDictionary<string, object?> ProblemExtensions => System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>.Empty;

    /// <summary>The message in the reader's language; arguments that are resource keys are translated too.</summary>
    public string Localize(IStringLocalizer L) =>
        L[Message, [.. Args.Select(a => a is string key && L[key] is { ResourceNotFound: false } text ? text.Value : a)]];
}

/// <summary>The actor may not do what was asked (→ 403).</summary>
public sealed class ForbiddenException(string message, params object[] args) : PortalException(message, args);

/// <summary>Something asked for does not exist or may not be seen (→ 404).</summary>
public sealed class NotFoundException(string message, params object[] args) : PortalException(message, args);

/// <summary>The state does not allow the action, or someone changed it first (→ 409).</summary>
public class ConflictException(string message, params object[] args) : PortalException(message, args)
{
    /// <summary>The API's stable problem code; subclasses name their conflict more precisely.</summary>
    public virtual string Code => "conflict";
}

/// <summary>Input is invalid (→ 400 with field errors). Field messages are keys or texts too.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors, string message) : PortalException(message, [])
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }, message);

    public IReadOnlyDictionary<string, string[]> LocalizedErrors(IStringLocalizer L) =>
        Errors.ToDictionary(e => e.Key, e => e.Value.Select(v => L[v].Value).ToArray());
}
