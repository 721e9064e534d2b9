namespace InfoPortal.Infrastructure;

// Domain errors that services throw; the API maps them to problem+json, pages show their message.

/// <summary>Thrown by a service when the actor may not do what was asked (→ 403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>Thrown by a service when input is invalid (→ 400 with field errors).</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors, string message) : Exception(message)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }, message);
}

/// <summary>Thrown when something asked for does not exist or may not be seen (→ 404).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Thrown when the state does not allow the action, or someone changed it first (→ 409).</summary>
public sealed class ConflictException(string message) : Exception(message);
