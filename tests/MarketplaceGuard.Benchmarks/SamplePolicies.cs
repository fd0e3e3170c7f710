using System.Collections.Generic;
using System.Linq;
using MarketplaceGuard.Engine.Evaluation;
using MarketplaceGuard.Engine.Policies;

namespace MarketplaceGuard.Benchmarks;

/// <summary>
/// The reference principal: 10 policies of 10 statements each, mixing wildcards, NotAction, NotResource and
/// conditions, as a real account's power users carry them.
/// </summary>
internal static class SamplePolicies
{
    public static readonly string[] Actions =
    [
        "aws-marketplace:Subscribe", "aws-marketplace:ViewSubscriptions", "ec2:RunInstances", "ec2:DescribeInstances",
        "s3:GetObject", "iam:CreateUser", "logs:PutLogEvents", "dynamodb:Query",
    ];

    public static readonly string[] Resources =
    [
        "*", "*", "arn:aws:ec2:eu-west-1::image/ami-0abc", "*",
        "arn:aws:s3:::corp-data/reports/2026.csv", "arn:aws:iam::111122223333:user/alice", "arn:aws:logs:eu-west-1:111122223333:log-group:app", "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
    ];

    public static string Document(int policy) => $$$$$"""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Read{{{{{policy}}}}}","Effect":"Allow","Action":["ec2:Describe*","s3:Get*","s3:List*"],"Resource":"*"},
          {"Sid":"Data{{{{{policy}}}}}","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::corp-data/*","arn:aws:s3:::corp-data"],"Condition":{"StringEquals":{"aws:PrincipalTag/team":["analytics","procurement"]}}},
          {"Sid":"Power{{{{{policy}}}}}","Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
          {"Sid":"Regions{{{{{policy}}}}}","Effect":"Deny","NotAction":["iam:*","sts:*","aws-marketplace:*","cloudfront:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}},
          {"Sid":"Network{{{{{policy}}}}}","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]},"Bool":{"aws:ViaAWSService":"false"}}},
          {"Sid":"Launch{{{{{policy}}}}}","Effect":"Allow","Action":["ec2:RunInstances","ec2:StartInstances"],"Resource":["arn:aws:ec2:*::image/ami-*","arn:aws:ec2:*:*:instance/*"],"Condition":{"StringLike":{"ec2:InstanceType":["t3.*","m5.*"]}}},
          {"Sid":"Logs{{{{{policy}}}}}","Effect":"Allow","Action":["logs:Create*","logs:Put*"],"Resource":"arn:aws:logs:*:*:log-group:*"},
          {"Sid":"Tables{{{{{policy}}}}}","Effect":"Allow","Action":["dynamodb:Get*","dynamodb:Query","dynamodb:Scan"],"Resource":"arn:aws:dynamodb:*:*:table/${aws:PrincipalTag/team}-*"},
          {"Sid":"Window{{{{{policy}}}}}","Effect":"Allow","Action":"aws-marketplace:View*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
          {"Sid":"Protect{{{{{policy}}}}}","Effect":"Deny","Action":["s3:Delete*","s3:PutBucketPolicy"],"NotResource":"arn:aws:s3:::scratch-*"}
        ]}
        """;

    public static PolicySet Principal() =>
        new(Enumerable.Range(0, 10).Select(i => new NamedPolicy($"policy{i}", PolicyCompiler.Compile(PolicyParser.Parse(Document(i))))));

    public static RequestContext ConcreteContext() => RequestContext.Concrete(new Dictionary<string, ContextValue>
    {
        ["aws:MultiFactorAuthPresent"] = "true",
        ["aws:SourceIp"] = "10.20.30.40",
        ["aws:ViaAWSService"] = "false",
        ["aws:RequestedRegion"] = "eu-west-1",
        ["aws:PrincipalTag/team"] = "procurement",
        ["aws:CurrentTime"] = "2026-11-27T10:00:00Z",
        ["ec2:InstanceType"] = "t3.micro",
        ["aws:username"] = "alice",
    });

    public static RequestContext AuditContext() => RequestContext.Audit(new Dictionary<string, ContextValue>
    {
        ["aws:PrincipalTag/team"] = "procurement",
        ["aws:username"] = "alice",
    });
}
