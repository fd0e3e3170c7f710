using System;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// An error as IAM reports it: the code, the HTTP status and the message that go into an ErrorResponse document.
/// Thrown by <see cref="FakeIamAccount"/> when a change breaks one of IAM's rules, and by the operations when a
/// request is invalid. 4xx errors are the caller's fault (Type Sender), 5xx the service's (Type Receiver).
/// </summary>
public sealed class IamException : Exception
{
    public IamException(string code, int statusCode, string message)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public string Code { get; }

    public int StatusCode { get; }

    public string FaultType => StatusCode >= 500 ? "Receiver" : "Sender";

    public static IamException NoSuchEntity(string message) => new("NoSuchEntity", 404, message);

    public static IamException EntityAlreadyExists(string message) => new("EntityAlreadyExists", 409, message);

    public static IamException LimitExceeded(string message) => new("LimitExceeded", 409, message);

    public static IamException DeleteConflict(string message) => new("DeleteConflict", 409, message);

    public static IamException MalformedPolicyDocument(string message) => new("MalformedPolicyDocument", 400, message);

    public static IamException InvalidInput(string message) => new("InvalidInput", 400, message);

    public static IamException AccessDenied(string message) => new("AccessDenied", 403, message);

    /// <summary>A parameter broke its model constraint (missing, too long, wrong pattern), as the Query front end reports it.</summary>
    public static IamException Validation(string parameter, string? value, string constraint) =>
        new("ValidationError", 400,
            $"1 validation error detected: Value {(value is null ? "null" : "'" + value + "'")} at '{CamelCase(parameter)}' failed to satisfy constraint: {constraint}");

    private static string CamelCase(string parameter) =>
        parameter.Length == 0 ? parameter : char.ToLowerInvariant(parameter[0]) + parameter[1..];
}
