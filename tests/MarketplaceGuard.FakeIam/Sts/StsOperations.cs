using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MarketplaceGuard.FakeIam.Ec2;

namespace MarketplaceGuard.FakeIam.Sts;

/// <summary>
/// STS on the same listener (Version 2011-06-15, STS namespace): GetCallerIdentity for the caller's account, and
/// AssumeRole into any account the server serves. AssumeRole validates its parameters as the API model says
/// (ValidationError), answers AccessDenied alike for an unknown account, an unknown role and a trust policy that
/// does not let the caller in (STS does not tell them apart), and issues credentials that act as the target account
/// for IAM, STS, EC2 and Organizations. Session policies and tags are accepted but not enforced.
/// </summary>
internal sealed partial class StsOperations
{
    public const string ApiVersion = "2011-06-15";
    private const int DefaultDurationSeconds = 3600;
    private const int ChainedSessionLimitSeconds = 3600;
    private const int PackedPolicyLimit = 2048;
    private readonly AccountDirectory accounts;
    private readonly FakeEc2 ec2;

    public StsOperations(AccountDirectory accounts, FakeEc2 ec2)
    {
        this.accounts = accounts;
        this.ec2 = ec2;
    }

    /// <summary>Runs the request's action for <paramref name="caller"/>; returns the reply document or throws <see cref="IamException"/>.</summary>
    public string Execute(QueryRequest request, CallerIdentity caller, string requestId)
    {
        var action = request.Action!;
        var writer = new IamXmlWriter(action, IamXmlWriter.StsNamespace);
        switch (action)
        {
            case "GetCallerIdentity":
                writer.BeginResult();
                writer.Element("Arn", caller.Arn);
                writer.Element("UserId", caller.UserId);
                writer.Element("Account", caller.AccountId);
                break;
            case "AssumeRole":
                AssumeRole(request, caller, writer);
                break;
            default:
                throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {ApiVersion}");
        }

        return writer.Finish(requestId);
    }

    private void AssumeRole(QueryRequest q, CallerIdentity caller, IamXmlWriter w)
    {
        var roleArn = Text(q, "RoleArn", 20, 2048, pattern: null) ?? throw IamException.Validation("RoleArn", null, "Member must not be null");
        var sessionName = Text(q, "RoleSessionName", 2, 64, NamePattern()) ?? throw IamException.Validation("RoleSessionName", null, "Member must not be null");
        var durationSeconds = Duration(q);
        var externalId = Text(q, "ExternalId", 2, 1224, ExternalIdPattern());
        var sourceIdentity = Text(q, "SourceIdentity", 2, 64, NamePattern());
        var arn = RoleArnPattern().Match(roleArn);
        if (!arn.Success)
        {
            throw new IamException("ValidationError", 400, "Request ARN is invalid");
        }

        var denied = IamException.AccessDenied($"User: {caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        var account = accounts.Find(arn.Groups["account"].Value);
        if (account is null || account.Partition != arn.Groups["partition"].Value)
        {
            throw denied;
        }

        FakeRole role;
        lock (account.SyncRoot)
        {
            role = account.FindRole(arn.Groups["name"].Value) ?? throw denied;
            if (!TrustPolicy.Allows(role.AssumeRolePolicyDocument, caller, externalId))
            {
                throw denied;
            }

            if (caller.IsAssumedRole && durationSeconds > ChainedSessionLimitSeconds)
            {
                throw new IamException("ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
            }

            if (durationSeconds > role.MaxSessionDuration)
            {
                throw new IamException("ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }
        }

        var credentials = accounts.Issue(role, account.AccountId, account.Partition, sessionName, TimeSpan.FromSeconds(durationSeconds ?? DefaultDurationSeconds));
        lock (ec2.SyncRoot)
        {
            ec2.MapAccessKey(credentials.Session.AccessKeyId, account.AccountId);
        }

        w.BeginResult();
        w.Start("Credentials");
        w.Element("AccessKeyId", credentials.Session.AccessKeyId);
        w.Element("SecretAccessKey", credentials.SecretAccessKey);
        w.Element("SessionToken", credentials.SessionToken);
        w.Element("Expiration", credentials.Session.Expiration);
        w.End();
        w.Start("AssumedRoleUser");
        w.Element("AssumedRoleId", credentials.AssumedRoleId);
        w.Element("Arn", credentials.Session.AssumedRoleArn);
        w.End();
        if (PackedSize(q) is { } packed)
        {
            w.Element("PackedPolicySize", packed);
        }

        w.Element("SourceIdentity", sourceIdentity);
    }

    /// <summary>A string parameter within the model's length and pattern; null when absent.</summary>
    private static string? Text(QueryRequest q, string name, int min, int max, Regex? pattern)
    {
        var value = q.Get(name);
        if (value is null)
        {
            return null;
        }

        if (value.Length < min)
        {
            throw IamException.Validation(name, value, $"Member must have length greater than or equal to {min}");
        }

        if (value.Length > max)
        {
            throw IamException.Validation(name, value, $"Member must have length less than or equal to {max}");
        }

        if (pattern is not null && !pattern.IsMatch(value))
        {
            var shown = pattern.ToString()[1..^1];
            throw IamException.Validation(name, value, $"Member must satisfy regular expression pattern: {shown}");
        }

        return value;
    }

    private static int? Duration(QueryRequest q)
    {
        var text = q.Get("DurationSeconds");
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            throw IamException.Validation("DurationSeconds", text, "Member must be an integer");
        }

        return seconds switch
        {
            < 900 => throw IamException.Validation("DurationSeconds", text, "Member must have value greater than or equal to 900"),
            > 43200 => throw IamException.Validation("DurationSeconds", text, "Member must have value less than or equal to 43200"),
            _ => seconds,
        };
    }

    /// <summary>How much of the packed session policy and tag allowance the request used, in percent; null without them.</summary>
    private static int? PackedSize(QueryRequest q)
    {
        var packed = q.Parameters.Where(p => p.Key == "Policy" || p.Key.StartsWith("PolicyArns.member.", StringComparison.Ordinal) || p.Key.StartsWith("Tags.member.", StringComparison.Ordinal))
            .Sum(p => p.Value.Length);
        return packed == 0 ? null : Math.Max(1, (packed * 100 + PackedPolicyLimit - 1) / PackedPolicyLimit);
    }

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[\w+=,.@:\/-]*$")]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"^arn:(?<partition>aws[a-z-]*):iam::(?<account>\d{12}):role/(?:[\u0021-\u007E]*/)?(?<name>[\w+=,.@-]{1,64})$")]
    private static partial Regex RoleArnPattern();
}
