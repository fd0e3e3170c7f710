using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Ec2;

namespace MarketplaceGuard.FakeIam;

/// <summary>How the connection writes a reply.</summary>
internal enum ReplyShape
{
    Whole,

    /// <summary>The body is cut in half (Content-Length matches the shorter body).</summary>
    Truncated,

    /// <summary>Only the first bytes of the status line, then the connection closes.</summary>
    CutOff,
}

internal sealed record Reply(int Status, string Body, string RequestId, ReplyShape Shape);

/// <summary>
/// Turns an HTTP request into a reply: checks path, method and the SigV4 Authorization header, applies the planned
/// fault, routes to IAM, STS or EC2 (by the Version parameter, else the credential scope's service), and records the request (before the reply is written, so a client that has its
/// answer always finds the request in the log).
/// </summary>
internal sealed class RequestPipeline
{
    private static readonly string[] SecretParameters = { "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential" };
    private readonly IamOperations iam;
    private readonly StsOperations sts;
    private readonly Ec2Operations ec2;
    private readonly FaultPlan faults;
    private readonly RequestLog log;
    private long sequence;

    public RequestPipeline(FakeIamAccount account, FakeEc2 ec2State, FaultPlan faults, RequestLog log)
    {
        iam = new IamOperations(account);
        sts = new StsOperations(account);
        ec2 = new Ec2Operations(ec2State);
        this.faults = faults;
        this.log = log;
    }

    public async Task<Reply> ProcessAsync(RawHttpRequest http, CancellationToken cancel)
    {
        var number = Interlocked.Increment(ref sequence);
        var time = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString();
        var query = QueryRequest.FromHttp(http);
        var credential = SigV4Credential.Parse(http.Header("Authorization"));
        var isSts = query.Version == StsOperations.ApiVersion || (query.Version is null && credential?.Service == "sts");
        var isEc2 = query.Version == Ec2Operations.ApiVersion || (query.Version is null && credential?.Service == "ec2");
        var xmlNamespace = isSts ? IamXmlWriter.StsNamespace : IamXmlWriter.IamNamespace;

        Reply Finish(int status, string body, string? errorCode, FaultKind fault, ReplyShape shape)
        {
            var parameters = query.Parameters.Where(p => !SecretParameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            log.Add(new RecordedRequest(number, time, http.Method, query.Action, parameters, credential?.AccessKeyId, credential?.Region,
                credential?.Service, http.Header("X-Amz-Security-Token") is not null, status, errorCode, fault, requestId));
            return new Reply(status, body, requestId, shape);
        }

        // Each service answers errors in its own document: IAM and STS an ErrorResponse, EC2 Response/Errors/Error.
        string ErrorBody(IamException error) => isEc2
            ? Ec2XmlWriter.Error(new Ec2Exception(error.Code, error.StatusCode, error.Message), requestId)
            : IamXmlWriter.Error(xmlNamespace, error, requestId);

        Reply Error(IamException error, FaultKind fault = FaultKind.None, ReplyShape shape = ReplyShape.Whole) =>
            Finish(error.StatusCode, ErrorBody(error), error.Code, fault, shape);

        var rejection = Check(http, query, credential);
        if (rejection is not null)
        {
            return Error(rejection);
        }

        var planned = faults.Take(query.Action);
        var kind = planned?.Kind ?? FaultKind.None;
        switch (kind)
        {
            case FaultKind.Throttle:
                return isEc2
                    ? Error(new IamException(planned!.Code ?? "RequestLimitExceeded", planned.Status == 0 ? 503 : planned.Status, "Request limit exceeded."), kind)
                    : Error(new IamException(planned!.Code ?? "Throttling", planned.Status == 0 ? 400 : planned.Status, "Rate exceeded"), kind);
            case FaultKind.Failure:
                return Error(new IamException(planned!.Code ?? (isEc2 ? "InternalError" : "ServiceFailure"), planned.Status, "The request processing has failed because of an unknown error."), kind);
            case FaultKind.DropConnection when !planned!.AfterProcessing:
                return Finish(0, string.Empty, null, kind, ReplyShape.CutOff);
            case FaultKind.Delay:
                await Task.Delay(planned!.Delay, cancel);
                break;
        }

        var shape = kind switch
        {
            FaultKind.DropConnection => ReplyShape.CutOff,
            FaultKind.Malformed => ReplyShape.Truncated,
            _ => ReplyShape.Whole,
        };
        try
        {
            var body = isEc2 ? ec2.Execute(query, credential!.AccessKeyId, credential.Region ?? RegionOfHost(http.Header("Host")), requestId)
                : isSts ? sts.Execute(query, requestId)
                : iam.Execute(query, requestId);
            return Finish(shape == ReplyShape.CutOff ? 0 : 200, body, null, kind, shape);
        }
        catch (Exception e) when (e is IamException or Ec2Exception)
        {
            var error = e is Ec2Exception ec2Error ? new IamException(ec2Error.Code, ec2Error.StatusCode, ec2Error.Message) : (IamException)e;
            return shape switch
            {
                ReplyShape.CutOff => Finish(0, string.Empty, error.Code, kind, shape),
                ReplyShape.Truncated => Finish(200, ErrorBody(error), error.Code, kind, shape),
                _ => Error(error, kind),
            };
        }
    }

    /// <summary>The region of a host such as ec2.eu-west-1.amazonaws.com; null for 127.0.0.1.</summary>
    private static string? RegionOfHost(string? host)
    {
        var parts = (host ?? string.Empty).Split(':')[0].Split('.');
        return parts.Length > 2 && parts[0] == "ec2" ? parts[1] : null;
    }

    private static IamException? Check(RawHttpRequest http, QueryRequest query, SigV4Credential? credential)
    {
        if (http.Path != "/")
        {
            return new IamException("NotFound", 404, $"Nothing is served at {http.Path}; the Query API is at /.");
        }

        if (http.Method is not ("POST" or "GET"))
        {
            return new IamException("MethodNotAllowed", 405, $"The method {http.Method} is not allowed; use POST or GET.");
        }

        if (http.Header("Authorization") is null)
        {
            return new IamException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }

        if (credential is null)
        {
            return new IamException("IncompleteSignature", 400,
                "Authorization header requires a 'Credential' parameter in the AWS4-HMAC-SHA256 scheme.");
        }

        if (string.IsNullOrEmpty(query.Action))
        {
            return new IamException("MissingAction", 400, "The request must contain the parameter Action.");
        }

        return null;
    }
}
