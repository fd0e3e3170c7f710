<#
.SYNOPSIS
    Writes a synthetic AWS account snapshot, in the shape `aws iam get-account-authorization-details` writes, for
    measuring MarketplaceGuard's audit on large accounts.

.DESCRIPTION
    At -Scale 1 the account has 5,000 users, 1,000 roles, 300 groups and 1,500 customer managed policies of about ten
    statements each; -Scale multiplies every count (users, roles, groups, policies, the members of the Procurement and
    Billing groups, permissions boundaries, service-linked roles...), while per-entity shapes (groups per user,
    statements per policy) stay the same.

    The content is meant to look like a real, large account rather than to be easy for the engine:
      - users in 1-5 groups; "Everyone" (most users) attaches an explicit deny of aws-marketplace:*, "Procurement" (a
        few users) a MarketplaceGuard-Procurement-like policy, "Billing" a view-only one; Administrators, Developers and
        Auditors groups attach AdministratorAccess, PowerUserAccess, ViewOnlyAccess / ReadOnlyAccess;
      - groups with 1-4 attached policies and sometimes an inline policy; users and roles with their own attached and
        inline policies, a few with permissions boundaries;
      - roles of many kinds (Lambda, EC2 with instance profiles, ECS tasks, CodeBuild, cross-account with an external
        id, IAM Identity Center SAML roles, EKS OIDC, a few service-linked roles), each with its trust policy;
      - statements over many services, with wildcards (s3:Get*, ec2:Describe*, *), NotAction, Deny, NotResource,
        ARNs with wildcards and ${aws:username}, and conditions (MFA, source IP, principal/resource tags, requested
        region, current time, tag keys, secure transport...);
      - about a third of all policy documents as URL-encoded strings (as IAM's API returns them), the rest as JSON
        objects (as the AWS CLI decodes them); some managed policies with several versions;
      - AWS managed policies that MarketplaceGuard ships are attached, but (like an export with
        --filter LocalManagedPolicy) their documents are left out, except for two Marketplace policies.

    Deterministic: the same -Seed and -Scale give a byte-identical file on any machine and culture. All randomness
    comes from one System.Random(Seed) drawn in a fixed order, only lists are iterated, and numbers and dates are
    formatted with the invariant culture. The JSON is streamed with Utf8JsonWriter (4-space indent, like the CLI).

    The generator is C# compiled once per session with Add-Type: scale 4 (about 100 MB) takes a few seconds.

.EXAMPLE
    ./tests/Performance/New-SyntheticAccount.ps1 -Path /tmp/account-x1.json

.EXAMPLE
    ./tests/Performance/New-SyntheticAccount.ps1 -Path /tmp/account-x4.json -Scale 4 -Seed 7
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [string] $Path,

    [ValidateRange(0.001, 1000)]
    [double] $Scale = 1,

    [int] $Seed = 42
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if (-not ('MarketplaceGuard.Performance.SyntheticAccountWriter' -as [type])) {
    Add-Type -Language CSharp -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.Performance
{
    public sealed class SyntheticAccountSummary
    {
        public int Users { get; set; }
        public int Roles { get; set; }
        public int Groups { get; set; }
        public int Policies { get; set; }
        public int AwsManagedPoliciesIncluded { get; set; }
        public int PolicyDocuments { get; set; }
        public int UrlEncodedDocuments { get; set; }
        public int Statements { get; set; }
        public long Bytes { get; set; }
    }

    public sealed class SyntheticAccountWriter
    {
        private const string Account = "111122223333";
        private static readonly DateTime Epoch = new DateTime(2018, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        private static readonly string[] Regions = { "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1" };
        private static readonly string[] Teams = { "platform", "data", "payments", "search", "identity", "mobile", "web", "ml", "security", "finance", "growth", "infra", "analytics", "support", "catalog", "checkout", "risk", "media" };
        private static readonly string[] Apps = { "orders", "billing", "ledger", "inventory", "profile", "notifications", "ingest", "reports", "etl", "gateway", "auth", "recommendations", "events", "exports", "audit", "pricing", "shipping", "invoices", "search", "thumbnails" };
        private static readonly string[] Envs = { "dev", "test", "staging", "prod" };
        private static readonly string[] FirstNames = { "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nina", "oscar", "peggy", "quentin", "rupert", "sybil", "trent", "ursula", "victor", "walter", "xena", "yusuf", "zoe", "amir", "bea", "chen", "dmitri", "elif", "fatima", "giorgio", "hana", "ines", "jamal", "kenji", "lena", "mateo", "noor", "olga", "priya", "raj", "sofia", "tomas", "uma", "vikram", "wei", "yara", "zeynep" };
        private static readonly string[] LastNames = { "smith", "garcia", "nguyen", "mueller", "rossi", "kowalski", "tanaka", "okafor", "silva", "cohen", "ivanova", "larsen", "dubois", "kim", "patel", "murphy", "haddad", "jensen", "novak", "santos", "walsh", "fischer", "moreau", "yilmaz", "lindqvist", "costa", "schmidt", "oconnor", "park", "ali" };
        private static readonly string[] GroupFunctions = { "developers", "operators", "analysts", "readers", "admins", "oncall", "deployers", "contractors", "data-scientists", "qa", "release-managers", "support-engineers", "dba", "auditors", "interns" };
        private static readonly string[] PolicyPurposes = { "read", "write", "deploy", "operate", "debug", "admin", "pipeline", "observability", "data-access", "secrets", "network", "backup", "runtime", "ci", "break-glass" };
        private static readonly string[] CidrBlocks = { "203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24", "10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/10" };
        private static readonly string[] PartnerAccounts = { "210987654321", "123456789012", "444455556666", "777788889999", "999988887777" };

        // The AWS managed policies MarketplaceGuard ships: attached by name, documents not in the snapshot.
        private static readonly (string Name, string Arn)[] AwsManaged =
        {
            ("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess"),
            ("PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess"),
            ("ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("ViewOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
            ("AWSMarketplaceFullAccess", "arn:aws:iam::aws:policy/AWSMarketplaceFullAccess"),
            ("AWSMarketplaceManageSubscriptions", "arn:aws:iam::aws:policy/AWSMarketplaceManageSubscriptions"),
            ("AWSMarketplaceRead-only", "arn:aws:iam::aws:policy/AWSMarketplaceRead-only"),
        };

        // Weighted AWS managed attachments for ordinary principals: mostly read-only ones.
        private static readonly int[] AwsManagedWeights = { 2, 4, 10, 10, 1, 1, 6 };

        private sealed class Service
        {
            public string Prefix;
            public string[] Actions;
            public string[] Wildcards;
            public int Weight;
        }

        private static readonly Service[] Services =
        {
            S("s3", 16, new[] { "GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation", "GetObjectVersion", "PutObjectAcl", "GetBucketPolicy", "PutBucketPolicy", "ListAllMyBuckets", "GetObjectTagging", "PutObjectTagging", "AbortMultipartUpload", "ListMultipartUploadParts", "GetEncryptionConfiguration" }, new[] { "s3:Get*", "s3:List*", "s3:Put*", "s3:*Object", "s3:*" }),
            S("ec2", 14, new[] { "DescribeInstances", "DescribeImages", "RunInstances", "StartInstances", "StopInstances", "TerminateInstances", "CreateTags", "DeleteTags", "DescribeSecurityGroups", "AuthorizeSecurityGroupIngress", "CreateSnapshot", "DescribeVolumes", "AttachVolume", "CopyImage", "CreateImage", "ModifyImageAttribute", "DescribeSubnets", "DescribeVpcs" }, new[] { "ec2:Describe*", "ec2:*Instances", "ec2:*Tags", "ec2:Get*", "ec2:*" }),
            S("iam", 8, new[] { "GetUser", "ListUsers", "GetRole", "PassRole", "ListRoles", "CreateAccessKey", "DeleteAccessKey", "ListAccessKeys", "UpdateAccessKey", "ChangePassword", "GetAccountPasswordPolicy", "ListMFADevices", "EnableMFADevice", "CreateVirtualMFADevice", "ResyncMFADevice", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion" }, new[] { "iam:Get*", "iam:List*", "iam:*AccessKey*", "iam:*MFADevice*" }),
            S("logs", 9, new[] { "CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogGroups", "DescribeLogStreams", "GetLogEvents", "FilterLogEvents", "PutRetentionPolicy", "StartQuery", "GetQueryResults" }, new[] { "logs:*", "logs:Describe*", "logs:Get*", "logs:Create*" }),
            S("dynamodb", 7, new[] { "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "DescribeTable", "ListTables", "CreateTable", "ConditionCheckItem" }, new[] { "dynamodb:*", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:Get*", "dynamodb:Batch*" }),
            S("lambda", 7, new[] { "InvokeFunction", "GetFunction", "ListFunctions", "UpdateFunctionCode", "UpdateFunctionConfiguration", "CreateFunction", "DeleteFunction", "PublishVersion", "AddPermission", "GetFunctionConfiguration" }, new[] { "lambda:List*", "lambda:Get*", "lambda:*", "lambda:Update*" }),
            S("kms", 6, new[] { "Decrypt", "Encrypt", "DescribeKey", "CreateGrant", "ListAliases", "ListKeys", "GenerateDataKey" }, new[] { "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Describe*", "kms:List*" }),
            S("sqs", 5, new[] { "SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl", "ChangeMessageVisibility", "ListQueues", "PurgeQueue" }, new[] { "sqs:*", "sqs:Get*", "sqs:*Message*" }),
            S("sns", 4, new[] { "Publish", "Subscribe", "Unsubscribe", "ListTopics", "GetTopicAttributes", "CreateTopic", "SetTopicAttributes" }, new[] { "sns:*", "sns:List*", "sns:Get*" }),
            S("cloudwatch", 5, new[] { "PutMetricData", "GetMetricData", "GetMetricStatistics", "ListMetrics", "DescribeAlarms", "PutMetricAlarm", "DeleteAlarms", "GetDashboard" }, new[] { "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*", "cloudwatch:*" }),
            S("aws-marketplace", 2, new[] { "ViewSubscriptions", "Subscribe", "Unsubscribe", "GetAgreementTerms", "SearchAgreements", "DescribeAgreement", "ListEntities", "DescribeEntity", "MeterUsage", "ResolveCustomer", "CreatePrivateMarketplaceRequests", "ListPrivateListings" }, new[] { "aws-marketplace:View*", "aws-marketplace:Get*", "aws-marketplace:Describe*", "aws-marketplace:List*", "aws-marketplace:*" }),
            S("cloudformation", 4, new[] { "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "CreateChangeSet", "ExecuteChangeSet", "ValidateTemplate" }, new[] { "cloudformation:Describe*", "cloudformation:List*", "cloudformation:*" }),
            S("ecr", 4, new[] { "GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer", "PutImage", "InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "DescribeRepositories" }, new[] { "ecr:Get*", "ecr:BatchGet*", "ecr:Describe*", "ecr:*" }),
            S("ecs", 3, new[] { "RunTask", "StopTask", "DescribeTasks", "ListTasks", "UpdateService", "DescribeServices", "RegisterTaskDefinition" }, new[] { "ecs:Describe*", "ecs:List*", "ecs:*" }),
            S("ssm", 4, new[] { "GetParameter", "GetParameters", "GetParametersByPath", "PutParameter", "StartSession", "SendCommand", "DescribeInstanceInformation" }, new[] { "ssm:GetParameter*", "ssm:Describe*", "ssm:*" }),
            S("secretsmanager", 3, new[] { "GetSecretValue", "DescribeSecret", "ListSecrets", "PutSecretValue", "RotateSecret" }, new[] { "secretsmanager:Get*", "secretsmanager:Describe*", "secretsmanager:List*" }),
            S("rds", 3, new[] { "DescribeDBInstances", "DescribeDBClusters", "CreateDBSnapshot", "RebootDBInstance", "ModifyDBInstance" }, new[] { "rds:Describe*", "rds:List*", "rds:*" }),
            S("sts", 2, new[] { "AssumeRole", "GetCallerIdentity", "GetSessionToken", "TagSession" }, new[] { "sts:AssumeRole*", "sts:Get*" }),
            S("athena", 2, new[] { "StartQueryExecution", "GetQueryExecution", "GetQueryResults", "ListWorkGroups" }, new[] { "athena:Get*", "athena:*" }),
            S("glue", 2, new[] { "GetTable", "GetTables", "GetDatabase", "GetPartitions", "StartJobRun" }, new[] { "glue:Get*", "glue:*" }),
            S("kinesis", 2, new[] { "PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "DescribeStream" }, new[] { "kinesis:Get*", "kinesis:Describe*", "kinesis:*" }),
            S("states", 1, new[] { "StartExecution", "DescribeExecution", "ListExecutions", "StopExecution" }, new[] { "states:Describe*", "states:*" }),
            S("events", 1, new[] { "PutEvents", "PutRule", "PutTargets", "DescribeRule" }, new[] { "events:*", "events:Describe*" }),
            S("ce", 1, new[] { "GetCostAndUsage", "GetCostForecast", "GetReservationUtilization" }, new[] { "ce:Get*", "ce:*" }),
            S("cloudtrail", 1, new[] { "LookupEvents", "DescribeTrails", "GetTrailStatus" }, new[] { "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:LookupEvents" }),
            S("route53", 1, new[] { "ChangeResourceRecordSets", "ListHostedZones", "GetHostedZone", "ListResourceRecordSets" }, new[] { "route53:List*", "route53:Get*" }),
            S("elasticloadbalancing", 1, new[] { "DescribeLoadBalancers", "DescribeTargetGroups", "RegisterTargets", "DeregisterTargets" }, new[] { "elasticloadbalancing:Describe*" }),
            S("autoscaling", 1, new[] { "DescribeAutoScalingGroups", "SetDesiredCapacity", "UpdateAutoScalingGroup" }, new[] { "autoscaling:Describe*", "autoscaling:*" }),
        };

        private static readonly int TotalServiceWeight = SumWeights();

        private static Service S(string prefix, int weight, string[] actions, string[] wildcards) =>
            new Service { Prefix = prefix, Weight = weight, Actions = actions, Wildcards = wildcards };

        private static int SumWeights()
        {
            var total = 0;
            foreach (var s in Services)
            {
                total += s.Weight;
            }

            return total;
        }

        // ---- the document model -------------------------------------------------------------------------------

        private sealed class Condition
        {
            public string Operator;
            public string Key;
            public string[] Values;
            public bool Scalar; // write a single value as a string rather than an array
        }

        private sealed class Statement
        {
            public string Sid;
            public bool Deny;
            public bool NotAction;
            public string[] Actions;
            public bool NotResource;
            public string[] Resources;
            public List<Condition> Conditions = new List<Condition>();
            public string Principal; // trust policies: "Service:x", "AWS:arn", "Federated:arn"
        }

        private sealed class Document
        {
            public List<Statement> Statements = new List<Statement>();
        }

        private sealed class PolicyRecord
        {
            public string Name;
            public string Arn;
            public string Path;
            public string Id;
            public int Attachments;
            public int BoundaryUses;
            public string FixedDocument; // special policies and AWS managed ones: a JSON text
            public string FixedOlderDocument;
            public int Kind; // 0 generic, 1 boundary, 2 fixed
            public string Team;
        }

        // ---- state -----------------------------------------------------------------------------------------------

        private readonly Random random;
        private readonly double scale;
        private readonly Utf8JsonWriter json;
        private readonly SyntheticAccountSummary summary = new SyntheticAccountSummary();
        private readonly List<PolicyRecord> policies = new List<PolicyRecord>();
        private readonly List<PolicyRecord> genericPolicies = new List<PolicyRecord>();
        private readonly List<PolicyRecord> boundaries = new List<PolicyRecord>();
        private readonly List<PolicyRecord> awsManagedRecords = new List<PolicyRecord>();
        private readonly PolicyRecord[] awsManagedByIndex = new PolicyRecord[AwsManaged.Length];
        private readonly List<PolicyRecord> includedAwsManaged = new List<PolicyRecord>();
        private readonly Dictionary<string, PolicyRecord> byName = new Dictionary<string, PolicyRecord>(StringComparer.Ordinal);
        private readonly ArrayBufferWriterLite compactBuffer = new ArrayBufferWriterLite();
        private readonly Utf8JsonWriter compact;
        private readonly StringBuilder encoded = new StringBuilder(16 * 1024);
        private readonly List<string> groupNames = new List<string>();

        private SyntheticAccountWriter(Stream output, double scale, int seed)
        {
            this.scale = scale;
            random = new Random(seed);
            var encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = encoder, SkipValidation = false });
            compact = new Utf8JsonWriter(compactBuffer, new JsonWriterOptions { Indented = false, Encoder = encoder });
        }

        public static SyntheticAccountSummary Write(string path, double scale, int seed)
        {
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var writer = new SyntheticAccountWriter(stream, scale, seed);
                writer.WriteAccount();
                writer.json.Flush();
                writer.summary.Bytes = stream.Length;
                return writer.summary;
            }
        }

        private int Count(double baseCount) => Math.Max(1, (int)Math.Round(baseCount * scale, MidpointRounding.AwayFromZero));

        private bool Chance(double p) => random.NextDouble() < p;

        private T Pick<T>(T[] items) => items[random.Next(items.Length)];

        private T Pick<T>(List<T> items) => items[random.Next(items.Count)];

        /// <summary>An index in [0, n) skewed towards small values: a few groups and policies are very popular.</summary>
        private int Skewed(int n, double power) => Math.Min(n - 1, (int)(n * Math.Pow(random.NextDouble(), power)));

        private string NewId(string prefix)
        {
            const string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            var c = new char[21];
            for (var i = 0; i < 4; i++)
            {
                c[i] = prefix[i];
            }

            for (var i = 4; i < 21; i++)
            {
                c[i] = chars[random.Next(chars.Length)];
            }

            return new string(c);
        }

        private string Hex(int length)
        {
            const string chars = "0123456789abcdef";
            var c = new char[length];
            for (var i = 0; i < length; i++)
            {
                c[i] = chars[random.Next(16)];
            }

            return new string(c);
        }

        private string Guid() => Hex(8) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(4) + "-" + Hex(12);

        private DateTime NewDate(DateTime after)
        {
            var span = (new DateTime(2025, 10, 1, 0, 0, 0, DateTimeKind.Utc) - after).TotalSeconds;
            return after.AddSeconds(Math.Floor(random.NextDouble() * Math.Max(1, span)));
        }

        private static string Iso(DateTime date) => date.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

        private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

        // ---- the account ---------------------------------------------------------------------------------------

        private void WriteAccount()
        {
            var userCount = Count(5000);
            var roleCount = Count(1000);
            var groupCount = Math.Max(7, Count(300));
            var policyCount = Math.Max(12, Count(1500));
            PlanPolicies(policyCount);
            var groups = PlanGroups(groupCount);

            json.WriteStartObject();
            json.WritePropertyName("UserDetailList");
            json.WriteStartArray();
            WriteUsers(userCount, groups);
            json.WriteEndArray();

            json.WritePropertyName("GroupDetailList");
            json.WriteStartArray();
            foreach (var group in groups)
            {
                WriteGroup(group);
            }

            json.WriteEndArray();

            json.WritePropertyName("RoleDetailList");
            json.WriteStartArray();
            WriteRoles(roleCount);
            json.WriteEndArray();

            json.WritePropertyName("Policies");
            json.WriteStartArray();
            foreach (var policy in policies)
            {
                WriteManagedPolicy(policy);
            }

            json.WriteEndArray();
            json.WriteBoolean("IsTruncated", false);
            json.WriteEndObject();

            summary.Users = userCount;
            summary.Roles = roleCount;
            summary.Groups = groups.Count;
            summary.Policies = policies.Count - includedAwsManaged.Count;
            summary.AwsManagedPoliciesIncluded = includedAwsManaged.Count;
        }

        // ---- managed policies ------------------------------------------------------------------------------------

        private PolicyRecord AddPolicy(string name, string path, int kind, string fixedDocument = null, string team = null)
        {
            var record = new PolicyRecord
            {
                Name = name,
                Path = path,
                Arn = "arn:aws:iam::" + Account + ":policy" + path + name,
                Id = NewId("ANPA"),
                Kind = kind,
                FixedDocument = fixedDocument,
                Team = team,
            };
            policies.Add(record);
            byName[name] = record;
            return record;
        }

        private void PlanPolicies(int policyCount)
        {
            AddPolicy("MarketplaceGuard-Procurement", "/marketplaceguard/", 2, ProcurementDocument);
            AddPolicy("MarketplaceGuard-BillingViewer", "/marketplaceguard/", 2, BillingViewerDocument);
            AddPolicy("MarketplaceGuard-DenyMarketplace", "/marketplaceguard/", 2, DenyMarketplaceDocument);
            AddPolicy("RequireMfa", "/security/", 2, RequireMfaDocument);
            AddPolicy("LegacyMarketplaceAccess", "/", 2, LegacyMarketplaceDocument);
            AddPolicy("BillingCostExplorer", "/finance/", 2, CostExplorerDocument);

            var boundaryCount = Count(5);
            for (var i = 0; i < boundaryCount; i++)
            {
                var team = Teams[i % Teams.Length];
                boundaries.Add(AddPolicy("PermissionsBoundary-" + team + (i >= Teams.Length ? "-" + Num(i / Teams.Length + 1) : string.Empty), "/boundaries/", 1, team: team));
            }

            var generic = policyCount - policies.Count;
            for (var i = 0; i < generic; i++)
            {
                var team = Pick(Teams);
                var name = team + "-" + Pick(Apps) + "-" + Pick(PolicyPurposes) + "-" + Num(i + 1).PadLeft(4, '0');
                var path = Chance(0.4) ? "/teams/" + team + "/" : "/";
                genericPolicies.Add(AddPolicy(name, path, 0, team: team));
            }

            for (var i = 0; i < AwsManaged.Length; i++)
            {
                var (name, arn) = AwsManaged[i];
                var record = new PolicyRecord { Name = name, Arn = arn, Path = arn.Substring("arn:aws:iam::aws:policy".Length, arn.Length - "arn:aws:iam::aws:policy".Length - name.Length), Id = NewId("ANPA"), Kind = 2 };
                awsManagedByIndex[i] = record;
                if (name == "AWSMarketplaceRead-only")
                {
                    record.FixedDocument = AwsMarketplaceReadOnlyDocument;
                    includedAwsManaged.Add(record);
                }
                else if (name == "AWSMarketplaceManageSubscriptions")
                {
                    record.FixedDocument = AwsMarketplaceManageSubscriptionsDocument;
                    record.FixedOlderDocument = AwsMarketplaceManageSubscriptionsV1Document;
                    includedAwsManaged.Add(record);
                }
            }

            // Real exports list AWS managed policies with the others; put them at fixed places among the customer ones.
            for (var i = 0; i < includedAwsManaged.Count; i++)
            {
                policies.Insert(Math.Min(policies.Count, (i + 1) * policies.Count / (includedAwsManaged.Count + 1)), includedAwsManaged[i]);
            }
        }

        private PolicyRecord RandomCustomerPolicy() => genericPolicies[Skewed(genericPolicies.Count, 1.7)];

        private PolicyRecord RandomAwsManaged()
        {
            var total = 0;
            foreach (var w in AwsManagedWeights)
            {
                total += w;
            }

            var roll = random.Next(total);
            for (var i = 0; i < AwsManagedWeights.Length; i++)
            {
                roll -= AwsManagedWeights[i];
                if (roll < 0)
                {
                    return awsManagedByIndex[i];
                }
            }

            return awsManagedByIndex[0];
        }

        private void WriteAttached(List<PolicyRecord> attached)
        {
            json.WritePropertyName("AttachedManagedPolicies");
            json.WriteStartArray();
            foreach (var policy in attached)
            {
                policy.Attachments++;
                json.WriteStartObject();
                json.WriteString("PolicyName", policy.Name);
                json.WriteString("PolicyArn", policy.Arn);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        private void WriteBoundary(PolicyRecord boundary)
        {
            boundary.BoundaryUses++;
            json.WritePropertyName("PermissionsBoundary");
            json.WriteStartObject();
            json.WriteString("PermissionsBoundaryType", "Policy");
            json.WriteString("PermissionsBoundaryArn", boundary.Arn);
            json.WriteEndObject();
        }

        private void WriteManagedPolicy(PolicyRecord policy)
        {
            var created = NewDate(Epoch);
            var versions = policy.Kind == 0 ? (Chance(0.25) ? 2 + random.Next(3) : 1) : policy.FixedOlderDocument != null ? 2 : 1;
            // The default is usually the newest version; now and then an older one (a rollback).
            var defaultVersion = versions > 1 && Chance(0.1) ? versions - 1 : versions;
            json.WriteStartObject();
            json.WriteString("PolicyName", policy.Name);
            json.WriteString("PolicyId", policy.Id);
            json.WriteString("Arn", policy.Arn);
            json.WriteString("Path", policy.Path);
            json.WriteString("DefaultVersionId", "v" + Num(defaultVersion));
            json.WriteNumber("AttachmentCount", policy.Attachments);
            json.WriteNumber("PermissionsBoundaryUsageCount", policy.BoundaryUses);
            json.WriteBoolean("IsAttachable", true);
            if (policy.Kind == 0 && Chance(0.5))
            {
                json.WriteString("Description", "Managed by the " + policy.Team + " team");
            }

            json.WriteString("CreateDate", Iso(created));
            var updated = versions > 1 ? NewDate(created) : created;
            json.WriteString("UpdateDate", Iso(updated));
            json.WritePropertyName("PolicyVersionList");
            json.WriteStartArray();
            for (var v = versions; v >= 1; v--)
            {
                json.WriteStartObject();
                json.WritePropertyName("Document");
                if (policy.Kind == 2)
                {
                    WriteFixedDocument(v == versions ? policy.FixedDocument : policy.FixedOlderDocument);
                }
                else if (policy.Kind == 1)
                {
                    WriteDocument(BoundaryDocument(), 6144);
                }
                else
                {
                    WriteDocument(GenericDocument(8 + random.Next(5), policy.Team), 6144);
                }

                json.WriteString("VersionId", "v" + Num(v));
                json.WriteBoolean("IsDefaultVersion", v == defaultVersion);
                json.WriteString("CreateDate", Iso(v == versions ? updated : created));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        // ---- groups ------------------------------------------------------------------------------------------------

        private sealed class GroupPlan
        {
            public string Name;
            public string Path;
            public List<PolicyRecord> Attached = new List<PolicyRecord>();
            public bool Inline;
            public string InlineName;
            public Document InlineDocument;
        }

        private GroupPlan everyone, procurementGroup, billingGroup, administrators, developers, auditors;

        private List<GroupPlan> PlanGroups(int groupCount)
        {
            var groups = new List<GroupPlan>();
            GroupPlan Add(string name, string path, params PolicyRecord[] attached)
            {
                var g = new GroupPlan { Name = name, Path = path };
                g.Attached.AddRange(attached);
                groups.Add(g);
                return g;
            }

            everyone = Add("Everyone", "/", byName["MarketplaceGuard-DenyMarketplace"], byName["RequireMfa"]);
            procurementGroup = Add("Procurement", "/finance/", byName["MarketplaceGuard-Procurement"]);
            billingGroup = Add("Billing", "/finance/", byName["MarketplaceGuard-BillingViewer"], byName["BillingCostExplorer"]);
            administrators = Add("Administrators", "/", awsManagedByIndex[0]);
            developers = Add("Developers", "/engineering/", awsManagedByIndex[1]);
            auditors = Add("Auditors", "/security/", awsManagedByIndex[3], awsManagedByIndex[2]);

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var g in groups)
            {
                seen.Add(g.Name);
            }

            while (groups.Count < groupCount)
            {
                var team = Pick(Teams);
                var name = team + "-" + Pick(GroupFunctions);
                if (!seen.Add(name))
                {
                    name = name + "-" + Num(groups.Count).PadLeft(3, '0');
                    seen.Add(name);
                }

                var g = new GroupPlan { Name = name, Path = Chance(0.3) ? "/teams/" + team + "/" : "/" };
                var attachedCount = 1 + random.Next(4);
                for (var i = 0; i < attachedCount; i++)
                {
                    var policy = Chance(0.07) ? RandomAwsManaged() : RandomCustomerPolicy();
                    if (!g.Attached.Contains(policy))
                    {
                        g.Attached.Add(policy);
                    }
                }

                if (Chance(0.3))
                {
                    g.Inline = true;
                    g.InlineName = team + "-" + Pick(PolicyPurposes) + "-inline";
                    g.InlineDocument = GenericDocument(1 + random.Next(5), team);
                }

                groups.Add(g);
            }

            foreach (var g in groups)
            {
                groupNames.Add(g.Name);
            }

            return groups;
        }

        private void WriteGroup(GroupPlan g)
        {
            json.WriteStartObject();
            json.WriteString("Path", g.Path);
            json.WriteString("GroupName", g.Name);
            json.WriteString("GroupId", NewId("AGPA"));
            json.WriteString("Arn", "arn:aws:iam::" + Account + ":group" + g.Path + g.Name);
            json.WriteString("CreateDate", Iso(NewDate(Epoch)));
            json.WritePropertyName("GroupPolicyList");
            json.WriteStartArray();
            if (g.Inline)
            {
                WriteInline(g.InlineName, g.InlineDocument, 5120);
            }

            json.WriteEndArray();
            WriteAttached(g.Attached);
            json.WriteEndObject();
        }

        private void WriteInline(string name, Document document, int quota)
        {
            json.WriteStartObject();
            json.WriteString("PolicyName", name);
            json.WritePropertyName("PolicyDocument");
            WriteDocument(document, quota);
            json.WriteEndObject();
        }

        // ---- users -------------------------------------------------------------------------------------------------

        private void WriteUsers(int userCount, List<GroupPlan> groups)
        {
            var procurementUsers = Count(4);
            var billingUsers = Count(8);
            var adminUsers = Count(6);
            var auditorUsers = Count(10);
            var legacyUsers = Count(3);
            var firstGeneric = 6;
            var genericGroups = groups.Count - firstGeneric;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var memberOf = new List<GroupPlan>(6);
            var attached = new List<PolicyRecord>(4);

            for (var u = 0; u < userCount; u++)
            {
                var name = Pick(FirstNames) + "." + Pick(LastNames);
                if (!names.Add(name))
                {
                    name = name + Num(u);
                    names.Add(name);
                }

                var team = Pick(Teams);
                memberOf.Clear();
                attached.Clear();
                PolicyRecord boundary = null;

                // Special populations first, at the start of the list (like early accounts); the rest are ordinary.
                var special = u;
                if (special < procurementUsers)
                {
                    memberOf.Add(procurementGroup);
                    if (u == 0)
                    {
                        memberOf.Add(everyone); // a procurement user caught by the Everyone deny: a lockout finding
                    }

                    team = "finance";
                }
                else if ((special -= procurementUsers) < billingUsers)
                {
                    memberOf.Add(billingGroup);
                    team = "finance";
                }
                else if ((special -= billingUsers) < adminUsers)
                {
                    memberOf.Add(administrators);
                    memberOf.Add(everyone);
                    team = "platform";
                }
                else if ((special -= adminUsers) < auditorUsers)
                {
                    memberOf.Add(auditors);
                    if (Chance(0.8))
                    {
                        memberOf.Add(everyone);
                    }

                    team = "security";
                }
                else if ((special -= auditorUsers) < legacyUsers)
                {
                    attached.Add(byName["LegacyMarketplaceAccess"]); // outside Everyone: unauthorized procurement
                    memberOf.Add(groups[firstGeneric + Skewed(genericGroups, 1.5)]);
                }
                else
                {
                    var inEveryone = Chance(0.86);
                    if (inEveryone)
                    {
                        memberOf.Add(everyone);
                    }

                    if (Chance(0.04))
                    {
                        memberOf.Add(developers);
                    }

                    var wanted = random.Next(5) + (inEveryone ? 0 : 1); // 1-5 groups in all
                    for (var i = 0; i < wanted && memberOf.Count < 5; i++)
                    {
                        var g = groups[firstGeneric + Skewed(genericGroups, 1.5)];
                        if (!memberOf.Contains(g))
                        {
                            memberOf.Add(g);
                        }
                    }

                    if (memberOf.Count == 0)
                    {
                        memberOf.Add(groups[firstGeneric + random.Next(genericGroups)]);
                    }

                    if (Chance(0.15))
                    {
                        var count = 1 + random.Next(3);
                        for (var i = 0; i < count; i++)
                        {
                            var p = Chance(0.05) ? RandomAwsManaged() : RandomCustomerPolicy();
                            if (!attached.Contains(p))
                            {
                                attached.Add(p);
                            }
                        }
                    }

                    if (Chance(0.03))
                    {
                        boundary = Pick(boundaries);
                    }
                }

                var path = Chance(0.2) ? "/" + team + "/" : "/";
                json.WriteStartObject();
                json.WriteString("Path", path);
                json.WriteString("UserName", name);
                json.WriteString("UserId", NewId("AIDA"));
                json.WriteString("Arn", "arn:aws:iam::" + Account + ":user" + path + name);
                json.WriteString("CreateDate", Iso(NewDate(Epoch)));
                if (Chance(0.08) || (boundary == null && attached.Count == 0 && u >= procurementUsers + billingUsers && Chance(0.02)))
                {
                    json.WritePropertyName("UserPolicyList");
                    json.WriteStartArray();
                    var count = 1 + (Chance(0.3) ? 1 : 0);
                    for (var i = 0; i < count; i++)
                    {
                        WriteInline((i == 0 ? "personal-" : "extra-") + Pick(PolicyPurposes), GenericDocument(1 + random.Next(4), team), 2048);
                    }

                    json.WriteEndArray();
                }

                json.WritePropertyName("GroupList");
                json.WriteStartArray();
                foreach (var g in memberOf)
                {
                    json.WriteStringValue(g.Name);
                }

                json.WriteEndArray();
                WriteAttached(attached);
                if (boundary != null)
                {
                    WriteBoundary(boundary);
                }

                WriteTags(team, person: true);
                json.WriteEndObject();
            }
        }

        private void WriteTags(string team, bool person)
        {
            json.WritePropertyName("Tags");
            json.WriteStartArray();
            if (Chance(0.75))
            {
                Tag("team", team);
                if (Chance(0.6))
                {
                    Tag("cost-center", "CC-" + Num(1000 + random.Next(9000)));
                }

                if (Chance(0.4))
                {
                    Tag(person ? "project" : "application", Pick(Apps));
                }

                if (!person && Chance(0.5))
                {
                    Tag("environment", Pick(Envs));
                }
            }

            json.WriteEndArray();
        }

        private void Tag(string key, string value)
        {
            json.WriteStartObject();
            json.WriteString("Key", key);
            json.WriteString("Value", value);
            json.WriteEndObject();
        }

        // ---- roles -------------------------------------------------------------------------------------------------

        private void WriteRoles(int roleCount)
        {
            var serviceLinked = Count(2);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var attached = new List<PolicyRecord>(4);
            for (var r = 0; r < roleCount; r++)
            {
                var team = Pick(Teams);
                var app = Pick(Apps);
                var env = Pick(Envs);
                var path = "/";
                string name;
                var trust = new Document();
                var kind = r < serviceLinked ? -1 : random.Next(100);
                var instanceProfile = false;
                attached.Clear();
                PolicyRecord boundary = null;
                var inlineCount = 0;

                if (kind < 0)
                {
                    var pmp = r % 2 == 1;
                    var service = pmp ? "private-marketplace.marketplace.amazonaws.com" : "license-management.marketplace.amazonaws.com";
                    path = "/aws-service-role/" + service + "/";
                    name = (pmp ? "AWSServiceRoleForPrivateMarketplaceAdmin" : "AWSServiceRoleForMarketplaceLicenseManagement") + (r < 2 ? string.Empty : "_" + Num(r));
                    trust.Statements.Add(TrustStatement("Service:" + service, "sts:AssumeRole", null));
                    var policyName = pmp ? "AWSServiceRoleForPrivateMarketplaceAdminPolicy" : "AWSMarketplaceLicenseManagementServiceRolePolicy";
                    attached.Add(new PolicyRecord { Name = policyName, Arn = "arn:aws:iam::aws:policy/aws-service-role/" + policyName });
                }
                else if (kind < 33)
                {
                    name = team + "-" + app + "-" + env + "-lambda";
                    path = Chance(0.5) ? "/service-role/" : "/";
                    trust.Statements.Add(TrustStatement("Service:lambda.amazonaws.com", "sts:AssumeRole", null));
                    inlineCount = Chance(0.5) ? 1 : 0;
                }
                else if (kind < 48)
                {
                    name = team + "-" + app + "-" + env + "-ec2";
                    instanceProfile = true;
                    trust.Statements.Add(TrustStatement("Service:ec2.amazonaws.com", "sts:AssumeRole", null));
                }
                else if (kind < 62)
                {
                    name = app + "-" + env + "-ecs-task";
                    var s = TrustStatement("Service:ecs-tasks.amazonaws.com", "sts:AssumeRole", null);
                    s.Conditions.Add(new Condition { Operator = "ArnLike", Key = "aws:SourceArn", Values = new[] { "arn:aws:ecs:" + Pick(Regions) + ":" + Account + ":*" }, Scalar = true });
                    s.Conditions.Add(new Condition { Operator = "StringEquals", Key = "aws:SourceAccount", Values = new[] { Account }, Scalar = true });
                    trust.Statements.Add(s);
                }
                else if (kind < 70)
                {
                    name = team + "-" + app + "-codebuild";
                    path = "/service-role/";
                    trust.Statements.Add(TrustStatement("Service:codebuild.amazonaws.com", "sts:AssumeRole", null));
                    if (Chance(0.4))
                    {
                        trust.Statements.Add(TrustStatement("Service:codepipeline.amazonaws.com", "sts:AssumeRole", null));
                    }

                    if (Chance(0.1))
                    {
                        attached.Add(awsManagedByIndex[1]); // PowerUserAccess on a build role
                    }
                }
                else if (kind < 80)
                {
                    name = "partner-" + Pick(PartnerAccounts).Substring(0, 4) + "-" + app + "-access";
                    var s = TrustStatement("AWS:arn:aws:iam::" + Pick(PartnerAccounts) + ":root", "sts:AssumeRole", null);
                    s.Conditions.Add(new Condition { Operator = "StringEquals", Key = "sts:ExternalId", Values = new[] { Guid() }, Scalar = true });
                    if (Chance(0.3))
                    {
                        s.Conditions.Add(new Condition { Operator = "Bool", Key = "aws:MultiFactorAuthPresent", Values = new[] { "true" }, Scalar = true });
                    }

                    trust.Statements.Add(s);
                }
                else if (kind < 90)
                {
                    var permissionSet = Pick(new[] { "AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "Billing", "DataScientist", "Developer", "SecurityAudit", "MarketplaceBuyer" });
                    name = "AWSReservedSSO_" + permissionSet + "_" + Hex(16);
                    path = "/aws-reserved/sso.amazonaws.com/" + (Chance(0.5) ? Pick(Regions) + "/" : string.Empty);
                    var s = TrustStatement("Federated:arn:aws:iam::" + Account + ":saml-provider/AWSSSO_" + Hex(16) + "_DO_NOT_DELETE", "sts:AssumeRoleWithSAML", null);
                    s.Actions = new[] { "sts:AssumeRoleWithSAML", "sts:TagSession" };
                    s.Conditions.Add(new Condition { Operator = "StringEquals", Key = "SAML:aud", Values = new[] { "https://signin.aws.amazon.com/saml" }, Scalar = true });
                    trust.Statements.Add(s);
                    switch (permissionSet)
                    {
                        case "AdministratorAccess": attached.Add(awsManagedByIndex[0]); break;
                        case "PowerUserAccess": attached.Add(awsManagedByIndex[1]); break;
                        case "ReadOnlyAccess": attached.Add(awsManagedByIndex[2]); break;
                        case "ViewOnlyAccess": attached.Add(awsManagedByIndex[3]); break;
                        case "MarketplaceBuyer": attached.Add(awsManagedByIndex[5]); break;
                        case "Billing": attached.Add(awsManagedByIndex[6]); attached.Add(byName["BillingCostExplorer"]); break;
                        default: inlineCount = 1; break;
                    }
                }
                else
                {
                    name = app + "-" + env + "-eks-" + Pick(new[] { "external-dns", "cluster-autoscaler", "fluent-bit", "load-balancer-controller", "workload" });
                    var issuer = "oidc.eks." + Pick(Regions) + ".amazonaws.com/id/" + Hex(32).ToUpperInvariant();
                    var s = TrustStatement("Federated:arn:aws:iam::" + Account + ":oidc-provider/" + issuer, "sts:AssumeRoleWithWebIdentity", null);
                    s.Conditions.Add(new Condition { Operator = "StringEquals", Key = issuer + ":aud", Values = new[] { "sts.amazonaws.com" }, Scalar = true });
                    s.Conditions.Add(new Condition { Operator = "StringLike", Key = issuer + ":sub", Values = new[] { "system:serviceaccount:" + app + ":*" }, Scalar = true });
                    trust.Statements.Add(s);
                }

                if (!names.Add(name))
                {
                    name = name + "-" + Num(r);
                    names.Add(name);
                }

                if (kind >= 0)
                {
                    var count = Chance(0.65) ? 1 + random.Next(3) : 0;
                    for (var i = 0; i < count; i++)
                    {
                        var p = Chance(0.06) ? RandomAwsManaged() : RandomCustomerPolicy();
                        if (!attached.Contains(p))
                        {
                            attached.Add(p);
                        }
                    }

                    if (Chance(0.4))
                    {
                        inlineCount = Math.Max(inlineCount, 1 + (Chance(0.25) ? 1 : 0));
                    }

                    if (Chance(0.05))
                    {
                        boundary = Pick(boundaries);
                    }
                }

                var created = NewDate(Epoch);
                var arn = "arn:aws:iam::" + Account + ":role" + path + name;
                var roleId = NewId("AROA");
                json.WriteStartObject();
                json.WriteString("Path", path);
                json.WriteString("RoleName", name);
                json.WriteString("RoleId", roleId);
                json.WriteString("Arn", arn);
                json.WriteString("CreateDate", Iso(created));
                json.WritePropertyName("AssumeRolePolicyDocument");
                var trustEncoded = Chance(1.0 / 3);
                WriteTrust(trust, trustEncoded);
                json.WritePropertyName("InstanceProfileList");
                json.WriteStartArray();
                if (instanceProfile)
                {
                    json.WriteStartObject();
                    json.WriteString("Path", "/");
                    json.WriteString("InstanceProfileName", name);
                    json.WriteString("InstanceProfileId", NewId("AIPA"));
                    json.WriteString("Arn", "arn:aws:iam::" + Account + ":instance-profile/" + name);
                    json.WriteString("CreateDate", Iso(created));
                    json.WritePropertyName("Roles");
                    json.WriteStartArray();
                    json.WriteStartObject();
                    json.WriteString("Path", path);
                    json.WriteString("RoleName", name);
                    json.WriteString("RoleId", roleId);
                    json.WriteString("Arn", arn);
                    json.WriteString("CreateDate", Iso(created));
                    json.WritePropertyName("AssumeRolePolicyDocument");
                    WriteTrust(trust, trustEncoded);
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WritePropertyName("RolePolicyList");
                json.WriteStartArray();
                for (var i = 0; i < inlineCount; i++)
                {
                    WriteInline(app + "-" + Pick(PolicyPurposes) + (i == 0 ? string.Empty : "-" + Num(i + 1)), GenericDocument(1 + random.Next(6), team), 10240);
                }

                json.WriteEndArray();
                WriteAttached(attached);
                if (boundary != null)
                {
                    WriteBoundary(boundary);
                }

                WriteTags(team, person: false);
                json.WritePropertyName("RoleLastUsed");
                json.WriteStartObject();
                if (Chance(0.7))
                {
                    json.WriteString("LastUsedDate", Iso(NewDate(new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc))));
                    json.WriteString("Region", Pick(Regions));
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }
        }

        private static Statement TrustStatement(string principal, string action, string sid) =>
            new Statement { Sid = sid, Principal = principal, Actions = new[] { action } };

        private void WriteTrust(Document trust, bool encoded)
        {
            if (encoded)
            {
                json.WriteStringValue(UrlEncode(Compact(trust)));
                summary.UrlEncodedDocuments++;
            }
            else
            {
                WriteDocumentObject(json, trust);
            }

            summary.PolicyDocuments++;
        }

        // ---- statements ----------------------------------------------------------------------------------------

        private Service RandomService()
        {
            var roll = random.Next(TotalServiceWeight);
            foreach (var s in Services)
            {
                roll -= s.Weight;
                if (roll < 0)
                {
                    return s;
                }
            }

            return Services[0];
        }

        private Document GenericDocument(int statements, string team)
        {
            var d = new Document();
            for (var i = 0; i < statements; i++)
            {
                d.Statements.Add(GenericStatement(i, team));
            }

            return d;
        }

        private Document BoundaryDocument()
        {
            var d = new Document();
            var allowed = new List<string>();
            foreach (var s in Services)
            {
                if (s.Prefix != "aws-marketplace" && s.Prefix != "iam" && Chance(0.7))
                {
                    allowed.Add(s.Prefix + ":*");
                }
            }

            d.Statements.Add(new Statement { Sid = "AllowedServices", Actions = allowed.ToArray(), Resources = new[] { "*" } });
            d.Statements.Add(new Statement { Sid = "SelfServiceIam", Actions = new[] { "iam:Get*", "iam:List*", "iam:ChangePassword", "iam:*AccessKey*", "iam:*MFADevice*" }, Resources = new[] { "arn:aws:iam::" + Account + ":user/${aws:username}", "arn:aws:iam::" + Account + ":mfa/${aws:username}" } });
            var region = new Statement { Sid = "DenyOutsideRegions", Deny = true, NotAction = true, Actions = new[] { "iam:*", "sts:*", "organizations:*", "support:*", "route53:*", "cloudfront:*" }, Resources = new[] { "*" } };
            region.Conditions.Add(new Condition { Operator = "StringNotEquals", Key = "aws:RequestedRegion", Values = new[] { Pick(Regions), Pick(Regions) } });
            d.Statements.Add(region);
            d.Statements.Add(new Statement { Sid = "DenyBoundaryChanges", Deny = true, Actions = new[] { "iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary" }, Resources = new[] { "*" } });
            return d;
        }

        private string Bucket(string team) => team + "-" + Pick(Apps) + "-" + Pick(Envs) + (Chance(0.3) ? "-" + Account : string.Empty);

        private string[] Resources(Service service, string team)
        {
            var region = Chance(0.25) ? "*" : Pick(Regions);
            var count = 1 + random.Next(Chance(0.3) ? 4 : 2);
            var list = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                string arn;
                var app = Pick(Apps);
                var env = Pick(Envs);
                switch (service.Prefix)
                {
                    case "s3":
                        var bucket = Bucket(team);
                        switch (random.Next(5))
                        {
                            case 0: arn = "arn:aws:s3:::" + bucket; break;
                            case 1: arn = "arn:aws:s3:::" + bucket + "/*"; break;
                            case 2: arn = "arn:aws:s3:::" + bucket + "/home/${aws:username}/*"; break;
                            case 3: arn = "arn:aws:s3:::" + team + "-*-logs/*"; break;
                            default: arn = "arn:aws:s3:::" + bucket + "/" + app + "/" + env + "/*"; break;
                        }

                        break;
                    case "ec2":
                        switch (random.Next(5))
                        {
                            case 0: arn = "arn:aws:ec2:" + region + ":" + Account + ":instance/*"; break;
                            case 1: arn = "arn:aws:ec2:*:" + Account + ":volume/*"; break;
                            case 2: arn = "arn:aws:ec2:" + region + "::image/ami-*"; break;
                            case 3: arn = "arn:aws:ec2:" + region + ":" + Account + ":security-group/sg-" + Hex(17); break;
                            default: arn = "arn:aws:ec2:" + region + ":" + Account + ":subnet/subnet-" + Hex(8); break;
                        }

                        break;
                    case "iam":
                        switch (random.Next(4))
                        {
                            case 0: arn = "arn:aws:iam::" + Account + ":user/${aws:username}"; break;
                            case 1: arn = "arn:aws:iam::" + Account + ":role/" + team + "-*"; break;
                            case 2: arn = "arn:aws:iam::" + Account + ":mfa/${aws:username}"; break;
                            default: arn = "arn:aws:iam::" + Account + ":role/service-role/*"; break;
                        }

                        break;
                    case "logs":
                        arn = random.Next(3) switch
                        {
                            0 => "arn:aws:logs:" + region + ":" + Account + ":log-group:/aws/lambda/" + team + "-*",
                            1 => "arn:aws:logs:" + region + ":" + Account + ":log-group:/ecs/" + app + "-" + env + ":*",
                            _ => "arn:aws:logs:*:*:*",
                        };
                        break;
                    case "dynamodb":
                        arn = Chance(0.5)
                            ? "arn:aws:dynamodb:" + region + ":" + Account + ":table/" + app + "-" + env
                            : "arn:aws:dynamodb:" + region + ":" + Account + ":table/" + app + "-*/index/*";
                        break;
                    case "lambda":
                        arn = "arn:aws:lambda:" + region + ":" + Account + ":function:" + team + "-" + app + (Chance(0.5) ? "-*" : "-" + env);
                        break;
                    case "kms":
                        arn = Chance(0.6)
                            ? "arn:aws:kms:" + region + ":" + Account + ":key/" + Guid()
                            : "arn:aws:kms:*:" + Account + ":alias/" + team + "-*";
                        break;
                    case "sqs":
                        arn = "arn:aws:sqs:" + region + ":" + Account + ":" + (Chance(0.5) ? app + "-" + env + "-queue" : team + "-*");
                        break;
                    case "sns":
                        arn = "arn:aws:sns:" + region + ":" + Account + ":" + (Chance(0.5) ? team + "-alerts" : app + "-*");
                        break;
                    case "aws-marketplace":
                        arn = "arn:aws:aws-marketplace:::catalog/AWSMarketplace*/product/*";
                        break;
                    case "secretsmanager":
                        arn = "arn:aws:secretsmanager:" + region + ":" + Account + ":secret:" + team + "/" + app + "/*";
                        break;
                    case "ssm":
                        arn = "arn:aws:ssm:" + region + ":" + Account + ":parameter/" + team + "/" + env + "/*";
                        break;
                    default:
                        arn = "arn:aws:" + service.Prefix + ":" + region + ":" + Account + ":*";
                        break;
                }

                if (!list.Contains(arn))
                {
                    list.Add(arn);
                }
            }

            return list.ToArray();
        }

        private string[] Actions(Service service, Service second)
        {
            var list = new List<string>(8);
            void AddFrom(Service s, int n)
            {
                for (var i = 0; i < n; i++)
                {
                    var a = Chance(0.25) ? Pick(s.Wildcards) : s.Prefix + ":" + Pick(s.Actions);
                    if (!list.Contains(a))
                    {
                        list.Add(a);
                    }
                }
            }

            AddFrom(service, 1 + random.Next(6));
            if (second != null)
            {
                AddFrom(second, 1 + random.Next(3));
            }

            return list.ToArray();
        }

        private Condition RandomCondition(bool deny, string team)
        {
            switch (random.Next(deny ? 14 : 12))
            {
                case 0: return new Condition { Operator = "Bool", Key = "aws:MultiFactorAuthPresent", Values = new[] { "true" }, Scalar = true };
                case 1: return new Condition { Operator = "IpAddress", Key = "aws:SourceIp", Values = new[] { Pick(CidrBlocks), Pick(CidrBlocks) } };
                case 2: return new Condition { Operator = "StringEquals", Key = "aws:PrincipalTag/team", Values = new[] { team }, Scalar = true };
                case 3: return new Condition { Operator = "StringLike", Key = "aws:PrincipalTag/project", Values = new[] { Pick(Apps) + "*" }, Scalar = true };
                case 4: return new Condition { Operator = "StringEquals", Key = "aws:RequestedRegion", Values = new[] { Pick(Regions), Pick(Regions) } };
                case 5: return new Condition { Operator = "DateLessThan", Key = "aws:CurrentTime", Values = new[] { Iso(NewDate(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc))).Replace("+00:00", "Z") }, Scalar = true };
                case 6: return new Condition { Operator = "ForAnyValue:StringEquals", Key = "aws:TagKeys", Values = new[] { "team", "cost-center", "environment" } };
                case 7: return new Condition { Operator = "StringEquals", Key = "aws:ResourceTag/team", Values = new[] { "${aws:PrincipalTag/team}" }, Scalar = true };
                case 8: return new Condition { Operator = "NumericLessThan", Key = "aws:MultiFactorAuthAge", Values = new[] { "3600" }, Scalar = true };
                case 9: return new Condition { Operator = "StringEquals", Key = "aws:PrincipalOrgID", Values = new[] { "o-a1b2c3d4e5" }, Scalar = true };
                case 10: return new Condition { Operator = "ForAllValues:StringEquals", Key = "aws:TagKeys", Values = new[] { "team", "application", "environment", "cost-center" } };
                case 11: return new Condition { Operator = "StringEqualsIgnoreCase", Key = "aws:PrincipalTag/department", Values = new[] { team }, Scalar = true };
                case 12: return new Condition { Operator = "NotIpAddress", Key = "aws:SourceIp", Values = new[] { Pick(CidrBlocks), Pick(CidrBlocks) } };
                default: return new Condition { Operator = "Bool", Key = "aws:SecureTransport", Values = new[] { "false" }, Scalar = true };
            }
        }

        private Statement GenericStatement(int index, string team)
        {
            var roll = random.Next(1000);
            var s = new Statement();
            if (roll < 12)
            {
                // Deny everything but MFA self-management without MFA (AWS's documented pattern).
                s.Deny = true;
                s.NotAction = true;
                s.Actions = new[] { "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken" };
                s.Resources = new[] { "*" };
                s.Conditions.Add(new Condition { Operator = "BoolIfExists", Key = "aws:MultiFactorAuthPresent", Values = new[] { "false" }, Scalar = true });
                s.Sid = "DenyAllExceptListedIfNoMFA";
            }
            else if (roll < 30)
            {
                // Region lock.
                s.Deny = true;
                s.NotAction = true;
                s.Actions = new[] { "iam:*", "organizations:*", "support:*", "sts:*", "cloudfront:*", "route53:*", "budgets:*", "ce:*" };
                s.Resources = new[] { "*" };
                s.Conditions.Add(new Condition { Operator = "StringNotEquals", Key = "aws:RequestedRegion", Values = new[] { Pick(Regions), Pick(Regions) } });
                s.Sid = "DenyOutsideApprovedRegions";
            }
            else if (roll < 38)
            {
                // PowerUser-like: everything but IAM and Organizations.
                s.NotAction = true;
                s.Actions = new[] { "iam:*", "organizations:*", "account:*" };
                s.Resources = new[] { "*" };
                s.Sid = "AllowAllButIdentity";
            }
            else if (roll < 42)
            {
                s.Actions = new[] { "*" };
                s.Resources = new[] { "*" };
                if (Chance(0.7))
                {
                    s.Conditions.Add(new Condition { Operator = "Bool", Key = "aws:MultiFactorAuthPresent", Values = new[] { "true" }, Scalar = true });
                    s.Conditions.Add(new Condition { Operator = "IpAddress", Key = "aws:SourceIp", Values = new[] { Pick(CidrBlocks) } });
                }

                s.Sid = "BreakGlass";
            }
            else if (roll < 60)
            {
                s.Deny = true;
                s.Actions = new[] { "s3:*" };
                s.Resources = new[] { "arn:aws:s3:::" + Bucket(team), "arn:aws:s3:::" + team + "-*/*" };
                s.Conditions.Add(new Condition { Operator = "Bool", Key = "aws:SecureTransport", Values = new[] { "false" }, Scalar = true });
                s.Sid = "DenyInsecureTransport";
            }
            else
            {
                var service = RandomService();
                var second = Chance(0.25) ? RandomService() : null;
                if (second == service)
                {
                    second = null;
                }

                s.Deny = Chance(0.1);
                s.Actions = Actions(service, second);
                if (Chance(0.45) || service.Prefix == "aws-marketplace" && Chance(0.7))
                {
                    s.Resources = new[] { "*" };
                }
                else
                {
                    s.Resources = Resources(service, team);
                    s.NotResource = Chance(0.06);
                }

                var conditions = Chance(s.Deny ? 0.7 : 0.3) ? 1 + (Chance(0.25) ? 1 : 0) : 0;
                for (var i = 0; i < conditions; i++)
                {
                    var c = RandomCondition(s.Deny, team);
                    var duplicate = false;
                    foreach (var existing in s.Conditions)
                    {
                        duplicate |= existing.Operator == c.Operator;
                    }

                    if (!duplicate)
                    {
                        s.Conditions.Add(c);
                    }
                }

                if (Chance(0.6))
                {
                    s.Sid = (s.Deny ? "Deny" : "Allow") + char.ToUpperInvariant(service.Prefix[0]) + service.Prefix.Substring(1).Replace("-", string.Empty);
                }
            }

            if (s.Sid != null)
            {
                s.Sid += Num(index + 1);
            }

            return s;
        }

        // ---- writing documents -----------------------------------------------------------------------------------

        private byte[] Compact(Document d)
        {
            compactBuffer.Clear();
            compact.Reset(compactBuffer);
            WriteDocumentObject(compact, d);
            compact.Flush();
            return compactBuffer.ToArray();
        }

        /// <summary>
        /// Writes a generated policy document, as a JSON object or (a third of the time) as a URL-encoded string,
        /// dropping trailing statements until it fits IAM's character quota.
        /// </summary>
        private void WriteDocument(Document d, int quota)
        {
            var bytes = Compact(d);
            while (bytes.Length > quota && d.Statements.Count > 1)
            {
                d.Statements.RemoveAt(d.Statements.Count - 1);
                bytes = Compact(d);
            }

            summary.PolicyDocuments++;
            summary.Statements += d.Statements.Count;
            if (Chance(1.0 / 3))
            {
                summary.UrlEncodedDocuments++;
                json.WriteStringValue(UrlEncode(bytes));
            }
            else
            {
                WriteDocumentObject(json, d);
            }
        }

        private void WriteFixedDocument(string text)
        {
            summary.PolicyDocuments++;
            using (var document = JsonDocument.Parse(text))
            {
                summary.Statements += document.RootElement.GetProperty("Statement").GetArrayLength();
                if (Chance(1.0 / 3))
                {
                    summary.UrlEncodedDocuments++;
                    compactBuffer.Clear();
                    compact.Reset(compactBuffer);
                    document.RootElement.WriteTo(compact);
                    compact.Flush();
                    json.WriteStringValue(UrlEncode(compactBuffer.ToArray()));
                }
                else
                {
                    document.RootElement.WriteTo(json);
                }
            }
        }

        private static void WriteDocumentObject(Utf8JsonWriter w, Document d)
        {
            w.WriteStartObject();
            w.WriteString("Version", "2012-10-17");
            w.WritePropertyName("Statement");
            w.WriteStartArray();
            foreach (var s in d.Statements)
            {
                w.WriteStartObject();
                if (s.Sid != null)
                {
                    w.WriteString("Sid", s.Sid);
                }

                w.WriteString("Effect", s.Deny ? "Deny" : "Allow");
                if (s.Principal != null)
                {
                    var colon = s.Principal.IndexOf(':');
                    w.WritePropertyName("Principal");
                    w.WriteStartObject();
                    w.WriteString(s.Principal.Substring(0, colon), s.Principal.Substring(colon + 1));
                    w.WriteEndObject();
                }

                WriteValues(w, s.NotAction ? "NotAction" : "Action", s.Actions, true);
                if (s.Resources != null)
                {
                    WriteValues(w, s.NotResource ? "NotResource" : "Resource", s.Resources, true);
                }

                if (s.Conditions.Count > 0)
                {
                    w.WritePropertyName("Condition");
                    w.WriteStartObject();
                    foreach (var c in s.Conditions)
                    {
                        w.WritePropertyName(c.Operator);
                        w.WriteStartObject();
                        WriteValues(w, c.Key, c.Values, c.Scalar);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        private static void WriteValues(Utf8JsonWriter w, string name, string[] values, bool scalarWhenSingle)
        {
            if (values.Length == 1 && scalarWhenSingle)
            {
                w.WriteString(name, values[0]);
                return;
            }

            w.WritePropertyName(name);
            w.WriteStartArray();
            foreach (var v in values)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
        }

        /// <summary>RFC 3986 percent-encoding of UTF-8 bytes, as IAM's API returns documents (everything but unreserved).</summary>
        private string UrlEncode(byte[] bytes)
        {
            const string hex = "0123456789ABCDEF";
            encoded.Clear();
            foreach (var b in bytes)
            {
                if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' || b == '~')
                {
                    encoded.Append((char)b);
                }
                else
                {
                    encoded.Append('%').Append(hex[b >> 4]).Append(hex[b & 15]);
                }
            }

            return encoded.ToString();
        }

        // ---- fixed documents -------------------------------------------------------------------------------------

        private const string ProcurementDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ProcureMarketplaceSoftware\",\"Effect\":\"Allow\",\"Action\":[\"aws-marketplace:ViewSubscriptions\",\"aws-marketplace:Subscribe\",\"aws-marketplace:Unsubscribe\",\"aws-marketplace:CreateAgreementRequest\",\"aws-marketplace:GetAgreementRequest\",\"aws-marketplace:ListAgreementRequests\",\"aws-marketplace:CancelAgreementRequest\",\"ec2:DescribeInstances\",\"ec2:DescribeAccountAttributes\"],\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}";

        private const string BillingViewerDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ViewMarketplaceSubscriptions\",\"Effect\":\"Allow\",\"Action\":\"aws-marketplace:ViewSubscriptions\",\"Resource\":\"*\"},{\"Sid\":\"DenyMarketplaceSubscriptionChanges\",\"Effect\":\"Deny\",\"Action\":[\"aws-marketplace:Subscribe\",\"aws-marketplace:Unsubscribe\",\"aws-marketplace:CreateAgreementRequest\",\"aws-marketplace:AcceptAgreementRequest\",\"aws-marketplace:CancelAgreement\"],\"Resource\":\"*\"}]}";

        private const string DenyMarketplaceDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyAWSMarketplaceAccess\",\"Effect\":\"Deny\",\"Action\":\"aws-marketplace:*\",\"Resource\":\"*\"}]}";

        private const string RequireMfaDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowManageOwnMfa\",\"Effect\":\"Allow\",\"Action\":[\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ResyncMFADevice\",\"iam:DeactivateMFADevice\"],\"Resource\":[\"arn:aws:iam::111122223333:mfa/${aws:username}\",\"arn:aws:iam::111122223333:user/${aws:username}\"]},{\"Sid\":\"AllowChangeOwnPassword\",\"Effect\":\"Allow\",\"Action\":[\"iam:ChangePassword\",\"iam:GetUser\"],\"Resource\":\"arn:aws:iam::111122223333:user/${aws:username}\"},{\"Sid\":\"DenyAllExceptListedIfNoMFA\",\"Effect\":\"Deny\",\"NotAction\":[\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:GetUser\",\"iam:ChangePassword\",\"iam:ListMFADevices\",\"iam:ListVirtualMFADevices\",\"iam:ResyncMFADevice\",\"sts:GetSessionToken\"],\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}";

        private const string LegacyMarketplaceDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"LegacyMarketplace\",\"Effect\":\"Allow\",\"Action\":[\"aws-marketplace:Sub*\",\"aws-marketplace:View*\"],\"Resource\":\"*\"}]}";

        private const string CostExplorerDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"CostExplorer\",\"Effect\":\"Allow\",\"Action\":[\"ce:Get*\",\"ce:Describe*\",\"ce:List*\",\"budgets:ViewBudget\",\"cur:DescribeReportDefinitions\"],\"Resource\":\"*\"},{\"Sid\":\"ViewBillingFromOffice\",\"Effect\":\"Allow\",\"Action\":[\"aws-portal:ViewBilling\",\"aws-portal:ViewUsage\"],\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"203.0.113.0/24\",\"198.51.100.0/24\"]}}}]}";

        private const string AwsMarketplaceReadOnlyDocument = "{\"Statement\":[{\"Action\":[\"aws-marketplace:ViewSubscriptions\",\"aws-marketplace:ListAgreementCharges\",\"ec2:DescribeAccountAttributes\",\"ec2:DescribeAddresses\",\"ec2:DescribeImages\",\"ec2:DescribeInstances\",\"ec2:DescribeKeyPairs\",\"ec2:DescribeSecurityGroups\",\"ec2:DescribeSubnets\",\"ec2:DescribeVpcs\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"iam:ListRoles\",\"iam:ListInstanceProfiles\",\"sns:GetTopicAttributes\",\"sns:ListTopics\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:ListPrivateMarketplaceRequests\",\"aws-marketplace:DescribePrivateMarketplaceRequests\",\"aws-marketplace:GetAgreementPaymentRequest\",\"aws-marketplace:ListAgreementPaymentRequests\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:ListPrivateListings\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:GetListing\",\"aws-marketplace:GetProduct\",\"aws-marketplace:GetOffer\",\"aws-marketplace:GetOfferTerms\",\"aws-marketplace:GetOfferSet\",\"aws-marketplace:ListPurchaseOptions\",\"aws-marketplace:ListFulfillmentOptions\",\"aws-marketplace:SearchFacets\",\"aws-marketplace:SearchListings\"],\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/product/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/listing/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/offer/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/offerSet/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/purchaseOption/*\"]},{\"Action\":[\"aws-marketplace:ListAgreementCancellationRequests\",\"aws-marketplace:GetAgreementCancellationRequest\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}";

        private const string AwsMarketplaceManageSubscriptionsDocument = "{\"Statement\":[{\"Action\":[\"aws-marketplace:ViewSubscriptions\",\"aws-marketplace:Subscribe\",\"aws-marketplace:Unsubscribe\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:CreatePrivateMarketplaceRequests\",\"aws-marketplace:ListPrivateMarketplaceRequests\",\"aws-marketplace:DescribePrivateMarketplaceRequests\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:ListPrivateListings\"],\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:GetListing\",\"aws-marketplace:GetProduct\",\"aws-marketplace:GetOffer\",\"aws-marketplace:GetOfferTerms\",\"aws-marketplace:GetOfferSet\",\"aws-marketplace:ListPurchaseOptions\",\"aws-marketplace:ListFulfillmentOptions\",\"aws-marketplace:SearchFacets\",\"aws-marketplace:SearchListings\"],\"Effect\":\"Allow\",\"Resource\":[\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/product/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/listing/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/offer/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/offerSet/*\",\"arn:aws:aws-marketplace:::catalog/AWSMarketplace*/purchaseOption/*\"]},{\"Action\":[\"aws-marketplace:UpdatePurchaseOrders\",\"aws-marketplace:ListAgreementCharges\",\"aws-marketplace:GetAgreementPaymentRequest\",\"aws-marketplace:ListAgreementPaymentRequests\",\"aws-marketplace:AcceptAgreementPaymentRequest\",\"aws-marketplace:RejectAgreementPaymentRequest\"],\"Condition\":{\"ForAllValues:StringEquals\":{\"aws-marketplace:AgreementType\":[\"PurchaseAgreement\"]},\"Null\":{\"aws-marketplace:AgreementType\":\"false\"}},\"Effect\":\"Allow\",\"Resource\":\"*\"},{\"Action\":[\"aws-marketplace:DescribeChangeSet\",\"aws-marketplace:ListChangeSets\"],\"Effect\":\"Allow\",\"Resource\":\"arn:aws:aws-marketplace:*:*:AWSMarketplace/ChangeSet/*\",\"Sid\":\"AWSMarketplaceChangeSetReadAccess\"},{\"Action\":[\"aws-marketplace:ListEntities\",\"aws-marketplace:DescribeEntity\"],\"Effect\":\"Allow\",\"Resource\":\"*\",\"Sid\":\"AWSMarketplaceEntityReadAccess\"}],\"Version\":\"2012-10-17\"}";

        private const string AwsMarketplaceManageSubscriptionsV1Document = "{\"Statement\":[{\"Action\":[\"aws-marketplace:ViewSubscriptions\",\"aws-marketplace:Subscribe\",\"aws-marketplace:Unsubscribe\"],\"Effect\":\"Allow\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}";
    }

    /// <summary>A growable byte buffer for Utf8JsonWriter (ArrayBufferWriter without needing its assembly reference).</summary>
    internal sealed class ArrayBufferWriterLite : System.Buffers.IBufferWriter<byte>
    {
        private byte[] buffer = new byte[16 * 1024];
        private int written;

        public void Clear() => written = 0;

        public byte[] ToArray()
        {
            var copy = new byte[written];
            Buffer.BlockCopy(buffer, 0, copy, 0, written);
            return copy;
        }

        public void Advance(int count) => written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsMemory(written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsSpan(written);
        }

        private void Ensure(int sizeHint)
        {
            var needed = written + Math.Max(sizeHint, 1);
            if (needed > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
            }
        }
    }
}
'@
}

$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
$directory = Split-Path -Parent $target
if ($directory -and -not (Test-Path -LiteralPath $directory)) {
    New-Item -ItemType Directory -Path $directory -Force | Out-Null
}

$stopwatch = [Diagnostics.Stopwatch]::StartNew()
$summary = [MarketplaceGuard.Performance.SyntheticAccountWriter]::Write($target, $Scale, $Seed)
$stopwatch.Stop()

Write-Verbose ("Wrote {0}: {1:N1} MB in {2:N1} s." -f $target, ($summary.Bytes / 1MB), $stopwatch.Elapsed.TotalSeconds)
[pscustomobject]@{
    Path                 = $target
    Scale                = $Scale
    Seed                 = $Seed
    Users                = $summary.Users
    Roles                = $summary.Roles
    Groups               = $summary.Groups
    CustomerPolicies     = $summary.Policies
    AwsPoliciesIncluded  = $summary.AwsManagedPoliciesIncluded
    PolicyDocuments      = $summary.PolicyDocuments
    UrlEncodedDocuments  = $summary.UrlEncodedDocuments
    Statements           = $summary.Statements
    SizeMB               = [math]::Round($summary.Bytes / 1MB, 1)
    Seconds              = [math]::Round($stopwatch.Elapsed.TotalSeconds, 1)
}
