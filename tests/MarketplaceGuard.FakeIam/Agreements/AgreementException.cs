namespace MarketplaceGuard.FakeIam.Agreements;

/// <summary>
/// An error as the Agreement API reports it in JSON 1.0: <c>{"__type": Code, "message": ...}</c>, with
/// <c>reason</c> for ValidationException (INVALID_FILTER_NAME, INVALID_MAX_RESULTS ...) and AccessDeniedException.
/// </summary>
internal sealed class AgreementException : JsonProtocolException
{
    public AgreementException(string code, string message, int statusCode = 400, string? reason = null)
        : base(code, message, statusCode, reason)
    {
    }

    public static AgreementException Validation(string reason, string message) => new("ValidationException", message, 400, reason);

    public static AgreementException AccessDenied(string callerArn, string operation) =>
        new("AccessDeniedException", $"User: {callerArn} is not authorized to perform: aws-marketplace:{operation}", 403, "INVALID_ACCESS");
}
