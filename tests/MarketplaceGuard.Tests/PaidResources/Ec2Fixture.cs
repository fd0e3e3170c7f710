using System;
using System.Collections.Generic;
using MarketplaceGuard.Aws.Connection;
using MarketplaceGuard.Aws.Ec2;
using MarketplaceGuard.Aws.Iam;
using MarketplaceGuard.FakeIam;
using MarketplaceGuard.FakeIam.Ec2;

namespace MarketplaceGuard.Tests.PaidResources;

/// <summary>A fake endpoint with EC2 state and a session that talks to it through AWSSDK.EC2.</summary>
internal sealed class Ec2Fixture : IDisposable
{
    public const string AccountId = FakeIamAccount.DefaultAccountId;
    public static readonly IamRetryPolicy Fast = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    public Ec2Fixture(string accessKey = "AKIAEC2DISCOVERYTEST")
    {
        Server = FakeIamServer.Start(new FakeIamAccount());
        Connection = AwsConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = accessKey,
            SecretKey = "discovery-secret",
            EndpointUrl = Server.Url.ToString(),
            Environment = new Dictionary<string, string?>(),
        });
        Session = new Ec2Session(Connection, Fast);
    }

    public FakeIamServer Server { get; }

    public FakeEc2 Ec2 => Server.Ec2;

    public AwsConnection Connection { get; }

    public Ec2Session Session { get; }

    public FakeEc2Region Region(string name) => Ec2.DefaultAccount.Region(name);

    public void Dispose()
    {
        Session.Dispose();
        Server.Dispose();
    }
}
