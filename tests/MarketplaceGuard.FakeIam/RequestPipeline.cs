using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.FakeIam.Agreements;
using MarketplaceGuard.FakeIam.Ec2;
using MarketplaceGuard.FakeIam.Organizations;
using MarketplaceGuard.FakeIam.Sts;

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

internal sealed record Reply(int Status, string Body, string RequestId, ReplyShape Shape, string ContentType);

/// <summary>The services the listener answers.</summary>
internal enum AwsService
{
    Iam,
    Sts,
    Ec2,
    Organizations,
    Agreement,
}

/// <summary>An error reply of any service: the code, HTTP status, message and (Organizations' InvalidInputException) reason.</summary>
internal sealed record ServiceError(string Code, int Status, string Message, string? Reason = null);

/// <summary>
/// Turns an HTTP request into a reply: waits the configured latency, checks path, method and the SigV4 Authorization
/// header, finds the caller (the account and identity of the access key; issued keys need their session token),
/// applies the planned fault, routes to IAM, STS or EC2 (Query protocol: by the Version parameter, else the credential
/// scope's service) or Organizations (JSON 1.1: by X-Amz-Target), and records the request (before the reply is
/// written, so a client that has its answer always finds the request in the log).
/// </summary>
internal sealed class RequestPipeline
{
    private const string XmlContentType = "text/xml";
    private static readonly string[] SecretParameters = { "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential", "TokenCode" };
    private readonly AccountDirectory accounts;
    private readonly StsOperations sts;
    private readonly Ec2Operations ec2;
    private readonly OrganizationsOperations organizations;
    private readonly AgreementOperations agreements;
    private readonly FaultPlan faults;
    private readonly RequestLog log;
    private long sequence;

    public RequestPipeline(AccountDirectory accounts, FakeEc2 ec2State, FakeOrganizationsService organizationsState, FakeAgreementService agreementState, FaultPlan faults, RequestLog log)
    {
        agreements = new AgreementOperations(agreementState);
        this.accounts = accounts;
        sts = new StsOperations(accounts, ec2State);
        ec2 = new Ec2Operations(ec2State);
        organizations = new OrganizationsOperations(organizationsState);
        this.faults = faults;
        this.log = log;
    }

    /// <summary>How long every request waits before it is processed.</summary>
    public TimeSpan Latency { get; set; }

    public async Task<Reply> ProcessAsync(RawHttpRequest http, CancellationToken cancel)
    {
        var number = Interlocked.Increment(ref sequence);
        var time = DateTimeOffset.UtcNow;
        var requestId = Guid.NewGuid().ToString();
        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancel);
        }

        var credential = SigV4Credential.Parse(http.Header("Authorization"));
        var target = http.Header("X-Amz-Target");
        var query = QueryRequest.FromHttp(http);
        var agreementOperation = target is null ? null : AgreementOperations.OperationOf(target);
        var service = agreementOperation is not null ? AwsService.Agreement
            : target is not null ? AwsService.Organizations
            : query.Version == StsOperations.ApiVersion || (query.Version is null && credential?.Service == "sts") ? AwsService.Sts
            : query.Version == Ec2Operations.ApiVersion || (query.Version is null && credential?.Service == "ec2") ? AwsService.Ec2
            : AwsService.Iam;
        var operation = agreementOperation ?? (target is not null ? OrganizationsRequest.OperationOf(target) : query.Action);
        var contentType = service switch
        {
            AwsService.Organizations => OrganizationsRequest.ContentType,
            AwsService.Agreement => AgreementOperations.ContentType,
            _ => XmlContentType,
        };
        var parameters = query.Parameters;
        CallerIdentity? caller = null;

        Reply Finish(int status, string body, string? errorCode, FaultKind fault, ReplyShape shape)
        {
            var logged = parameters.Where(p => !SecretParameters.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            log.Add(new RecordedRequest(number, time, http.Method, operation, logged, credential?.AccessKeyId, credential?.Region,
                credential?.Service, http.Header("X-Amz-Security-Token") is not null, status, errorCode, fault, requestId) { AccountId = caller?.AccountId });
            return new Reply(status, body, requestId, shape, contentType);
        }

        Reply Error(ServiceError error, FaultKind fault = FaultKind.None, ReplyShape shape = ReplyShape.Whole) =>
            Finish(shape == ReplyShape.CutOff ? 0 : shape == ReplyShape.Truncated ? 200 : error.Status, ErrorBody(service, error, requestId), error.Code, fault, shape);

        var rejection = Check(http, service, query, credential);
        if (rejection is not null)
        {
            return Error(rejection);
        }

        JsonElement body = default;
        if (service is AwsService.Organizations or AwsService.Agreement)
        {
            try
            {
                body = service == AwsService.Agreement ? AgreementOperations.ParseBody(http) : OrganizationsRequest.ParseBody(http);
                parameters = OrganizationsRequest.LogParameters(body);
            }
            catch (JsonProtocolException e)
            {
                return Error(new ServiceError(e.Code, e.StatusCode, e.Message));
            }
        }

        caller = accounts.Resolve(credential!.AccessKeyId, http.Header("X-Amz-Security-Token") ?? query.Get("X-Amz-Security-Token"), out var problem);
        if (caller is null)
        {
            return Error(CredentialError(service, problem));
        }

        var planned = faults.Take(operation);
        var kind = planned?.Kind ?? FaultKind.None;
        switch (kind)
        {
            case FaultKind.Throttle:
                return Error(Throttling(service, planned!), kind);
            case FaultKind.Failure:
                return Error(Failure(service, planned!), kind);
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
            var reply = service switch
            {
                AwsService.Ec2 => ec2.Execute(query, credential.AccessKeyId, credential.Region ?? RegionOfHost(http.Header("Host")), requestId),
                AwsService.Sts => sts.Execute(query, caller, requestId),
                AwsService.Organizations => organizations.Execute(operation!, body, caller),
                AwsService.Agreement => agreements.Execute(operation!, body, caller),
                _ => accounts.OperationsFor(caller.Account).Execute(query, caller, requestId),
            };
            return Finish(shape == ReplyShape.CutOff ? 0 : 200, reply, null, kind, shape);
        }
        catch (IamException e)
        {
            return Error(new ServiceError(e.Code, e.StatusCode, e.Message), kind, shape);
        }
        catch (Ec2Exception e)
        {
            return Error(new ServiceError(e.Code, e.StatusCode, e.Message), kind, shape);
        }
        catch (JsonProtocolException e)
        {
            return Error(new ServiceError(e.Code, e.StatusCode, e.Message, e.Reason), kind, shape);
        }
    }

    /// <summary>Each service answers errors in its own document: IAM and STS an ErrorResponse, EC2 Response/Errors/Error, Organizations JSON.</summary>
    private static string ErrorBody(AwsService service, ServiceError error, string requestId) => service switch
    {
        AwsService.Ec2 => Ec2XmlWriter.Error(new Ec2Exception(error.Code, error.Status, error.Message), requestId),
        AwsService.Organizations => OrganizationsJson.Error(error.Code, error.Message, error.Reason),
        AwsService.Agreement => AgreementOperations.Error(error.Code, error.Message, error.Reason),
        _ => IamXmlWriter.Error(service == AwsService.Sts ? IamXmlWriter.StsNamespace : IamXmlWriter.IamNamespace,
            new IamException(error.Code, error.Status, error.Message), requestId),
    };

    private static ServiceError Throttling(AwsService service, PlannedFault planned) => service switch
    {
        AwsService.Ec2 => new(planned.Code ?? "RequestLimitExceeded", planned.Status == 0 ? 503 : planned.Status, "Request limit exceeded."),
        AwsService.Organizations => new(planned.Code ?? "TooManyRequestsException", planned.Status == 0 ? 400 : planned.Status,
            "AWS Organizations can't complete your request because another request is already in progress. Try again later."),
        AwsService.Agreement => new(planned.Code ?? "ThrottlingException", planned.Status == 0 ? 400 : planned.Status, "Rate exceeded"),
        _ => new(planned.Code ?? "Throttling", planned.Status == 0 ? 400 : planned.Status, "Rate exceeded"),
    };

    private static ServiceError Failure(AwsService service, PlannedFault planned) => service switch
    {
        AwsService.Ec2 => new(planned.Code ?? "InternalError", planned.Status, "The request processing has failed because of an unknown error."),
        AwsService.Organizations => new(planned.Code ?? "ServiceException", planned.Status,
            "AWS Organizations can't complete your request because of an internal service error. Try again later."),
        AwsService.Agreement => new(planned.Code ?? "InternalServerException", planned.Status, "An internal error occurred."),
        _ => new(planned.Code ?? "ServiceFailure", planned.Status, "The request processing has failed because of an unknown error."),
    };

    /// <summary>Issued credentials without their session token, or expired: each service's own answer.</summary>
    private static ServiceError CredentialError(AwsService service, CredentialProblem problem)
    {
        var expired = problem == CredentialProblem.Expired;
        return service switch
        {
            AwsService.Ec2 => new("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
            AwsService.Organizations or AwsService.Agreement => expired
                ? new("ExpiredTokenException", 400, "The security token included in the request is expired")
                : new("UnrecognizedClientException", 400, "The security token included in the request is invalid."),
            _ => expired
                ? new("ExpiredToken", 403, "The security token included in the request is expired")
                : new("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        };
    }

    /// <summary>The region of a host such as ec2.eu-west-1.amazonaws.com; null for 127.0.0.1.</summary>
    private static string? RegionOfHost(string? host)
    {
        var parts = (host ?? string.Empty).Split(':')[0].Split('.');
        return parts.Length > 2 && parts[0] == "ec2" ? parts[1] : null;
    }

    private static ServiceError? Check(RawHttpRequest http, AwsService service, QueryRequest query, SigV4Credential? credential)
    {
        var json = service is AwsService.Organizations or AwsService.Agreement;
        if (http.Path != "/")
        {
            return new ServiceError("NotFound", 404, $"Nothing is served at {http.Path}; the API is at /.");
        }

        if (json ? http.Method != "POST" : http.Method is not ("POST" or "GET"))
        {
            return new ServiceError("MethodNotAllowed", 405, $"The method {http.Method} is not allowed; use {(json ? "POST" : "POST or GET")}.");
        }

        if (http.Header("Authorization") is null)
        {
            return new ServiceError(json ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }

        if (credential is null)
        {
            return new ServiceError(json ? "IncompleteSignatureException" : "IncompleteSignature", 400,
                "Authorization header requires a 'Credential' parameter in the AWS4-HMAC-SHA256 scheme.");
        }

        if (!json && string.IsNullOrEmpty(query.Action))
        {
            return new ServiceError("MissingAction", 400, "The request must contain the parameter Action.");
        }

        return null;
    }
}
