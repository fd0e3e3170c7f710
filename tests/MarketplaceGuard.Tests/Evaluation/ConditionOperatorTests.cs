using MarketplaceGuard.Engine.Evaluation;

namespace MarketplaceGuard.Tests.Evaluation;

/// <summary>
/// Every condition operator family, mostly on the IAM user guide's own examples ("IAM JSON policy elements:
/// Condition operators", "Conditions with multiple context keys or values"). Each case is an Allow statement with the
/// condition; Allowed means the condition held, ImplicitDeny that it did not.
/// </summary>
public sealed class ConditionOperatorTests
{
    public static TheoryData<string, string, bool> Cases => new()
    {
        // String: exact, case-sensitive; IgnoreCase; Like with * and ?; several values OR.
        { """{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}""", "aws:PrincipalTag/job-category=iamuser-admin", true },
        { """{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}""", "aws:PrincipalTag/job-category=IAMUser-Admin", false },
        { """{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}""", "", false },
        { """{"StringEquals":{"aws:PrincipalTag/job-category":["a","iamuser-admin"]}}""", "aws:PrincipalTag/job-category=iamuser-admin", true },
        { """{"StringEquals":{"aws:principaltag/JOB-CATEGORY":"iamuser-admin"}}""", "aws:PrincipalTag/job-category=iamuser-admin", true },
        { """{"StringEquals":{"aws:username":"a*"}}""", "aws:username=abc", false },
        { """{"StringEquals":{"aws:username":"a*"}}""", "aws:username=a*", true },
        { """{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}""", "aws:PrincipalTag/team=c", true },
        { """{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}""", "aws:PrincipalTag/team=b", false },
        { """{"StringNotEquals":{"aws:PrincipalTag/team":["a","b"]}}""", "", true },
        { """{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"Finance"}}""", "aws:PrincipalTag/team=FINANCE", true },
        { """{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"Finance"}}""", "aws:PrincipalTag/team=finance", false },
        { """{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}""", "s3:prefix=home/david/photos; aws:username=david", true },
        { """{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}""", "s3:prefix=home/maria/photos; aws:username=david", false },
        { """{"StringLike":{"ec2:InstanceType":"t?.micro"}}""", "ec2:InstanceType=t3.micro", true },
        { """{"StringLike":{"ec2:InstanceType":"t?.micro"}}""", "ec2:InstanceType=T3.micro", false },
        { """{"StringNotLike":{"ec2:InstanceType":["*.nano","*.micro"]}}""", "ec2:InstanceType=m5.large", true },
        { """{"StringNotLike":{"ec2:InstanceType":["*.nano","*.micro"]}}""", "ec2:InstanceType=t3.micro", false },

        // Numeric.
        { """{"NumericLessThanEquals":{"s3:max-keys":"10"}}""", "s3:max-keys=10", true },
        { """{"NumericLessThanEquals":{"s3:max-keys":"10"}}""", "s3:max-keys=11", false },
        { """{"NumericLessThan":{"s3:max-keys":10}}""", "s3:max-keys=9.5", true },
        { """{"NumericGreaterThan":{"s3:max-keys":"10"}}""", "s3:max-keys=10", false },
        { """{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}""", "s3:max-keys=10", true },
        { """{"NumericEquals":{"s3:max-keys":"10"}}""", "s3:max-keys=10.0", true },
        { """{"NumericNotEquals":{"s3:max-keys":["10","20"]}}""", "s3:max-keys=20", false },
        { """{"NumericNotEquals":{"s3:max-keys":["10","20"]}}""", "s3:max-keys=30", true },
        { """{"NumericEquals":{"s3:max-keys":"10"}}""", "s3:max-keys=ten", false },

        // Date: ISO 8601 and epoch seconds.
        { """{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}""", "aws:TokenIssueTime=2020-06-30T12:00:00Z", true },
        { """{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}""", "aws:TokenIssueTime=2019-12-31T23:59:59Z", false },
        { """{"DateLessThan":{"aws:CurrentTime":"2026-12-31T23:59:59Z"}}""", "aws:CurrentTime=1798675199", true },
        { """{"DateLessThan":{"aws:CurrentTime":"2026-12-31T23:59:59Z"}}""", "aws:CurrentTime=1798761600", false },
        { """{"DateEquals":{"aws:CurrentTime":"2026-11-27T10:00:00+01:00"}}""", "aws:CurrentTime=2026-11-27T09:00:00Z", true },
        { """{"DateNotEquals":{"aws:CurrentTime":"2026-11-27T09:00:00Z"}}""", "aws:CurrentTime=2026-11-27T09:00:01Z", true },
        { """{"DateLessThanEquals":{"aws:EpochTime":"1700000000"}}""", "aws:EpochTime=1700000000", true },
        { """{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01"}}""", "aws:CurrentTime=2026-01-01T00:00:00Z", true },

        // Bool: the guide's MFA and SecureTransport examples.
        { """{"Bool":{"aws:MultiFactorAuthPresent":"true"}}""", "aws:MultiFactorAuthPresent=true", true },
        { """{"Bool":{"aws:MultiFactorAuthPresent":"true"}}""", "aws:MultiFactorAuthPresent=false", false },
        { """{"Bool":{"aws:MultiFactorAuthPresent":"true"}}""", "", false },
        { """{"Bool":{"aws:SecureTransport":true}}""", "aws:SecureTransport=TRUE", true },
        { """{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}""", "", true },
        { """{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}""", "aws:MultiFactorAuthPresent=true", false },

        // BinaryEquals compares the decoded bytes.
        { """{"BinaryEquals":{"key:b":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}""", "key:b=QmluYXJ5VmFsdWVJbkJhc2U2NA==", true },
        { """{"BinaryEquals":{"key:b":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}""", "key:b=QmluYXJ5", false },

        // IP addresses, IPv4 and IPv6.
        { """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=203.0.113.77", true },
        { """{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}""", "aws:SourceIp=198.51.100.1", false },
        { """{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}""", "aws:SourceIp=2001:db8:1234:5678::1", true },
        { """{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}""", "aws:SourceIp=192.0.2.9", false },
        { """{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}""", "aws:SourceIp=198.51.100.9", true },
        { """{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}""", "", true },

        // ARN operators: segment by segment; Equals and Like behave the same.
        { """{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}""", "aws:SourceArn=arn:aws:sns:eu-west-1:123456789012:topic", true },
        { """{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}""", "aws:SourceArn=arn:aws:sns:eu-west-1:123456789012:topic", true },
        { """{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}""", "aws:SourceArn=arn:aws:sns:eu-west-1:999999999999:topic", false },
        { """{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}""", "aws:PrincipalArn=arn:aws:iam::123456789012:role/admin-1", false },
        { """{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}""", "aws:PrincipalArn=arn:aws:iam::123456789012:role/dev", true },
        { """{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}""", "aws:SourceArn=not-an-arn", false },

        // Null tests presence.
        { """{"Null":{"aws:TokenIssueTime":"true"}}""", "", true },
        { """{"Null":{"aws:TokenIssueTime":"true"}}""", "aws:TokenIssueTime=2026-01-01T00:00:00Z", false },
        { """{"Null":{"aws:TokenIssueTime":"false"}}""", "aws:TokenIssueTime=2026-01-01T00:00:00Z", true },
        { """{"Null":{"aws:TokenIssueTime":"false"}}""", "", false },

        // IfExists on any operator: true when the key is absent, the operator otherwise.
        { """{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro"]}}""", "", true },
        { """{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro"]}}""", "ec2:InstanceType=m5.large", false },
        { """{"NumericLessThanIfExists":{"s3:max-keys":"10"}}""", "s3:max-keys=5", true },

        // Several operators and keys AND.
        { """{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}""", "aws:MultiFactorAuthPresent=true; aws:SourceIp=10.1.1.1", true },
        { """{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}""", "aws:MultiFactorAuthPresent=true; aws:SourceIp=11.1.1.1", false },
        { """{"StringEquals":{"aws:PrincipalTag/a":"1","aws:PrincipalTag/b":"2"}}""", "aws:PrincipalTag/a=1", false },

        // Set operators on multi-valued keys.
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[environment,cost-center]", true },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[environment,owner]", false },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "", true },
        { """{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[]", true },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[owner,environment]", true },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[owner]", false },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "", false },
        { """{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}""", "aws:TagKeys=[]", false },
        { """{"ForAllValues:StringLike":{"aws:TagKeys":["cost-*"]}}""", "aws:TagKeys=[cost-center,cost-owner]", true },
        { """{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["environment"]}}""", "aws:TagKeys=[environment,owner]", true },
        { """{"ForAllValues:StringNotEquals":{"aws:TagKeys":["environment"]}}""", "aws:TagKeys=[environment,owner]", false },
        { """{"ForAnyValue:StringEquals":{"aws-marketplace:ProductId":"prod-abc"}}""", "aws-marketplace:ProductId=prod-abc", true },
        { """{"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":"PurchaseAgreement"},"Null":{"aws-marketplace:AgreementType":"false"}}""", "", false },
        { """{"ForAllValues:StringEquals":{"aws-marketplace:AgreementType":"PurchaseAgreement"},"Null":{"aws-marketplace:AgreementType":"false"}}""", "aws-marketplace:AgreementType=[PurchaseAgreement]", true },

        // A single-valued operator on a key with several values is false (IAM expects a set operator).
        { """{"StringEquals":{"aws:TagKeys":"environment"}}""", "aws:TagKeys=[environment,owner]", false },
        { """{"StringEquals":{"aws:TagKeys":"environment"}}""", "aws:TagKeys=[environment]", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConditionHoldsOrNot(string condition, string context, bool holds)
    {
        var document = Eval.Doc($$"""{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{{condition}}}""");

        var decision = Eval.Decide(document, "s3:ListBucket", "*", Eval.Concrete(ContextText.Parse(context)));

        Assert.Equal(holds ? Decision.Allowed : Decision.ImplicitDeny, decision);
    }

    [Fact]
    public void NegatedOperatorInADenyWithMissingKeyDenies()
    {
        // The guide's warning: a Deny with StringNotEquals denies requests that lack the key altogether.
        var document = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"storage"}}}]}
            """;

        Assert.Equal(Decision.ExplicitDeny, Eval.Decide(document, "s3:GetObject"));
        Assert.Equal(Decision.Allowed, Eval.Decide(document, "s3:GetObject", "*", Eval.Concrete(("aws:PrincipalTag/team", "storage"))));
    }
}
