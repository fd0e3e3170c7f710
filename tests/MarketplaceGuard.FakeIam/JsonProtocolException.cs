using System;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// An error of a JSON-protocol service (Organizations, the Agreement API): the code written as <c>__type</c>, the
/// HTTP status, and the reason some errors carry (InvalidInputException's Reason, ValidationException's reason).
/// </summary>
internal abstract class JsonProtocolException : Exception
{
    protected JsonProtocolException(string code, string message, int statusCode, string? reason)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
        Reason = reason;
    }

    public string Code { get; }

    public int StatusCode { get; }

    public string? Reason { get; }
}
