using System;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>An error as EC2 reports it (Response/Errors/Error with Code and Message, RequestID), with its HTTP status.</summary>
public sealed class Ec2Exception : Exception
{
    public Ec2Exception(string code, int statusCode, string message)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public string Code { get; }

    public int StatusCode { get; }

    public static Ec2Exception InvalidParameterValue(string message) => new("InvalidParameterValue", 400, message);

    public static Ec2Exception InvalidParameterCombination(string message) => new("InvalidParameterCombination", 400, message);

    public static Ec2Exception NotFound(string type, string id) => new(Ec2Ids.NotFoundCode(type), 400, type switch
    {
        "image" => $"The image id '[{id}]' does not exist",
        "instance" => $"The instance ID '{id}' does not exist",
        "snapshot" => $"The snapshot '{id}' does not exist.",
        _ => $"The volume '{id}' does not exist.",
    });

    public static Ec2Exception Unauthorized(string operation) =>
        new("UnauthorizedOperation", 403, $"You are not authorized to perform this operation. User is not authorized to perform: ec2:{operation} because no identity-based policy allows the ec2:{operation} action");
}
