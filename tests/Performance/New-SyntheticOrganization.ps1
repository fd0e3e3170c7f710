<#
.SYNOPSIS
    Writes a synthetic organization snapshot folder (organization.json and accounts/<id>.json) for measuring
    MarketplaceGuard's organization-wide audit, and for serving with the fake endpoint (--organization).

.DESCRIPTION
    The folder has the organization snapshot format: organization.json with the organization, a three-level OU tree,
    the accounts and the SCPs with their targets, and one authorization snapshot (the JSON of
    `aws iam get-account-authorization-details`) per account in accounts/.

    - The tree: root -> Workloads, Sandbox, Infrastructure, Security -> two sub-OUs each. The management account
      (-ManagementAccountId) sits under the root; the other -Accounts - 1 accounts are spread over the OUs, most of
      them in the sub-OUs.
    - SCPs: FullAWSAccess (AWS managed) attached to the root, every OU and every account; DenyMarketplaceSubscribe on
      Sandbox; DenyAllOutsideEU (a Deny of everything but global services when aws:RequestedRegion is outside the EU)
      on Workloads.
    - Each account has -Principals principals: about 7 % groups (Administrators, Developers, ReadOnly, Procurement,
      Billing, team groups), a quarter roles (OrganizationAccountAccessRole and OrganizationReadOnlyRole trusting
      arn:aws:iam::<management>:root, Lambda, EC2 and ECS roles, partner roles with an external id) and the rest users
      in one to four groups. The management account has BreakGlassAdministrator instead of
      OrganizationAccountAccessRole, which Organizations creates in member accounts only. Policies mix AWS managed ones attached by ARN (their documents, from the module's
      src/MarketplaceGuard.Engine/Accounts/AwsManagedPolicies, are included in Policies), customer managed ones and
      inline ones. Procurement attaches AWSMarketplaceManageSubscriptions, a few users hold a customer managed
      MarketplaceProcurement policy, AWSMarketplaceFullAccess or an inline aws-marketplace:Subscribe grant, so that
      audits have findings in every account.

    Deterministic: the same parameters give byte-identical files on any machine and culture (one System.Random per
    account, seeded from -Seed and the account's position; invariant formatting). The generator is C# compiled once
    per session with Add-Type and streams with Utf8JsonWriter; 200 accounts x 300 principals take a few seconds.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/New-SyntheticOrganization.ps1 -Path /tmp/org-200

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/New-SyntheticOrganization.ps1 -Path /tmp/org-small -Accounts 20 -Principals 50 -Seed 7 -Force
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, Position = 0)]
    [string] $Path,

    [ValidateRange(1, 5000)]
    [int] $Accounts = 200,

    [ValidateRange(10, 100000)]
    [int] $Principals = 300,

    [int] $Seed = 42,

    [ValidatePattern('^\d{12}$')]
    [string] $ManagementAccountId = '111111111111',

    # Replaces organization.json and accounts/ of an existing snapshot folder.
    [switch] $Force
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if (-not ('MarketplaceGuard.Performance.SyntheticOrganizationWriter' -as [type])) {
    Add-Type -Language CSharp -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MarketplaceGuard.Performance
{
    public sealed class SyntheticOrganizationSummary
    {
        public int Accounts { get; set; }
        public int OrganizationalUnits { get; set; }
        public int Users { get; set; }
        public int Groups { get; set; }
        public int Roles { get; set; }
        public int CustomerPolicies { get; set; }
        public long Bytes { get; set; }
    }

    public sealed class SyntheticOrganizationWriter
    {
        private const string IdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        private const string LowerChars = "abcdefghijklmnopqrstuvwxyz0123456789";
        private static readonly DateTime Epoch = new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        private static readonly JsonWriterOptions Indented = new JsonWriterOptions { Indented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private static readonly JsonWriterOptions IndentedTwo = new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private static readonly string[][] Tree =
        {
            new[] { "Workloads", "Prod", "NonProd" },
            new[] { "Sandbox", "Teams", "Experiments" },
            new[] { "Infrastructure", "Network", "SharedServices" },
            new[] { "Security", "Audit", "LogArchive" },
        };

        private static readonly string[] Teams = { "platform", "data", "payments", "search", "identity", "mobile", "web", "ml", "finance", "growth" };
        private static readonly string[] Apps = { "orders", "billing", "ledger", "inventory", "profile", "ingest", "reports", "gateway", "events", "pricing" };
        private static readonly string[] FirstNames = { "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "nina", "oscar", "peggy", "rupert", "sybil", "trent", "victor", "walter", "zoe", "amir", "chen", "elif", "hana", "kenji", "lena", "mateo", "noor", "priya", "tomas" };
        private static readonly string[] LastNames = { "smith", "garcia", "nguyen", "mueller", "rossi", "tanaka", "okafor", "silva", "cohen", "larsen", "dubois", "kim", "patel", "murphy", "jensen", "novak", "santos", "walsh", "fischer", "yilmaz" };
        private static readonly string[] PartnerAccounts = { "210987654321", "444455556666", "777788889999" };
        private static readonly string[] EuRegions = { "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3" };

        private static readonly string[][] Services =
        {
            new[] { "s3", "GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketLocation", "s3:Get*", "s3:List*" },
            new[] { "ec2", "DescribeInstances", "DescribeImages", "RunInstances", "StartInstances", "StopInstances", "CreateTags", "ec2:Describe*" },
            new[] { "dynamodb", "GetItem", "PutItem", "Query", "Scan", "UpdateItem", "dynamodb:*" },
            new[] { "lambda", "InvokeFunction", "GetFunction", "UpdateFunctionCode", "lambda:List*" },
            new[] { "logs", "CreateLogGroup", "CreateLogStream", "PutLogEvents", "logs:Describe*" },
            new[] { "sqs", "SendMessage", "ReceiveMessage", "DeleteMessage", "sqs:Get*" },
            new[] { "kms", "Decrypt", "Encrypt", "GenerateDataKey", "kms:Describe*" },
            new[] { "ssm", "GetParameter", "GetParametersByPath", "ssm:Describe*" },
            new[] { "cloudwatch", "PutMetricData", "GetMetricData", "cloudwatch:Get*" },
            new[] { "aws-marketplace", "ViewSubscriptions", "aws-marketplace:View*", "aws-marketplace:Describe*" },
        };

        // AWS managed policies the accounts attach; their documents come from the module's shipped copies.
        private static readonly string[][] AwsManaged =
        {
            new[] { "AdministratorAccess", "/" },
            new[] { "PowerUserAccess", "/" },
            new[] { "ViewOnlyAccess", "/job-function/" },
            new[] { "AWSMarketplaceManageSubscriptions", "/" },
            new[] { "AWSMarketplaceRead-only", "/" },
            new[] { "AWSMarketplaceFullAccess", "/" },
        };

        private const string MarketplaceProcurementDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Procure\",\"Effect\":\"Allow\",\"Action\":[\"aws-marketplace:ViewSubscriptions\",\"aws-marketplace:Subscribe\",\"aws-marketplace:Unsubscribe\"],\"Resource\":\"*\"}]}";
        private const string LegacySubscribeDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"LegacySubscribe\",\"Effect\":\"Allow\",\"Action\":\"aws-marketplace:Subscribe\",\"Resource\":\"*\"}]}";
        private const string BillingViewerDocument = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"aws-portal:ViewBilling\",\"ce:Get*\",\"aws-marketplace:ViewSubscriptions\"],\"Resource\":\"*\"}]}";
        private const string FullAwsAccessContent = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        private const string DenyMarketplaceSubscribeContent = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyMarketplaceSubscribe\",\"Effect\":\"Deny\",\"Action\":[\"aws-marketplace:Subscribe\",\"aws-marketplace:CreateAgreementRequest\",\"aws-marketplace:AcceptAgreementRequest\"],\"Resource\":\"*\"}]}";

        private sealed class Policy
        {
            public string Name;
            public string Path;
            public string Arn;
            public string Id;
            public string Document;
            public JsonElement AwsDocument;
            public bool IsAws;
            public int Attachments;
        }

        private readonly Dictionary<string, JsonElement> awsDocuments;
        private readonly string managementAccountId;
        private readonly int principals;
        private readonly int seed;
        private readonly SyntheticOrganizationSummary summary = new SyntheticOrganizationSummary();

        private SyntheticOrganizationWriter(string awsPolicyFolder, string managementAccountId, int principals, int seed)
        {
            this.managementAccountId = managementAccountId;
            this.principals = principals;
            this.seed = seed;
            awsDocuments = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var entry in AwsManaged)
            {
                using (var document = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(awsPolicyFolder, entry[0] + ".json"))))
                {
                    awsDocuments[entry[0]] = document.RootElement.Clone();
                }
            }
        }

        public static SyntheticOrganizationSummary Write(string folder, string awsPolicyFolder, int accounts, int principals, int seed, string managementAccountId)
        {
            var writer = new SyntheticOrganizationWriter(awsPolicyFolder, managementAccountId, principals, seed);
            Directory.CreateDirectory(System.IO.Path.Combine(folder, "accounts"));
            writer.WriteOrganization(folder, accounts);
            return writer.summary;
        }

        // ---- organization.json ------------------------------------------------------------------------------

        private void WriteOrganization(string folder, int accountCount)
        {
            var random = new Random(seed);
            var orgId = "o-" + Lower(random, 10);
            var rootId = "r-" + Lower(random, 4);
            var prefix = "arn:aws:organizations::" + managementAccountId + ":";
            var units = new List<string[]>(); // id, name, parent id
            var topIds = new string[Tree.Length];
            var subIds = new List<string>();
            for (var i = 0; i < Tree.Length; i++)
            {
                topIds[i] = "ou-" + rootId.Substring(2) + "-" + Lower(random, 8);
                units.Add(new[] { topIds[i], Tree[i][0], rootId });
                for (var j = 1; j < Tree[i].Length; j++)
                {
                    var id = "ou-" + rootId.Substring(2) + "-" + Lower(random, 8);
                    units.Add(new[] { id, Tree[i][j], topIds[i] });
                    subIds.Add(id);
                }
            }

            var accounts = new List<string[]>(); // id, name, parent id, email, joined
            accounts.Add(new[] { managementAccountId, "management", rootId, "aws-management@example.com", Iso(Epoch) });
            var used = new HashSet<string>(StringComparer.Ordinal) { managementAccountId };
            for (var i = 1; i < accountCount; i++)
            {
                string id;
                do
                {
                    id = (100000000000L + (long)(random.NextDouble() * 899999999999L)).ToString(CultureInfo.InvariantCulture);
                }
                while (!used.Add(id));

                var parent = i % 10 == 0 ? topIds[(i / 10) % topIds.Length] : subIds[i % subIds.Count];
                var team = Teams[i % Teams.Length];
                var name = team + "-" + Apps[(i / Teams.Length) % Apps.Length] + "-" + (i % 3 == 0 ? "prod" : "dev") + "-" + i.ToString("D3", CultureInfo.InvariantCulture);
                accounts.Add(new[] { id, name, parent, "aws+" + name + "@example.com", Iso(Epoch.AddDays(random.Next(1, 2000))) });
            }

            using (var stream = new FileStream(System.IO.Path.Combine(folder, "organization.json"), FileMode.Create, FileAccess.Write))
            using (var json = new Utf8JsonWriter(stream, IndentedTwo))
            {
                json.WriteStartObject();
                json.WriteString("Format", "MarketplaceGuard.OrganizationSnapshot");
                json.WriteNumber("FormatVersion", 1);
                json.WriteString("ExportedAt", "2026-11-30T12:00:00Z");
                json.WriteStartObject("Organization");
                json.WriteString("Id", orgId);
                json.WriteString("Arn", prefix + "organization/" + orgId);
                json.WriteString("FeatureSet", "ALL");
                json.WriteString("ManagementAccountId", managementAccountId);
                json.WriteString("ManagementAccountArn", prefix + "account/" + orgId + "/" + managementAccountId);
                json.WriteString("ManagementAccountEmail", "aws-management@example.com");
                json.WriteEndObject();

                json.WriteStartArray("Roots");
                json.WriteStartObject();
                json.WriteString("Id", rootId);
                json.WriteString("Arn", prefix + "root/" + orgId + "/" + rootId);
                json.WriteString("Name", "Root");
                json.WriteStartArray("PolicyTypes");
                json.WriteStartObject();
                json.WriteString("Type", "SERVICE_CONTROL_POLICY");
                json.WriteString("Status", "ENABLED");
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();

                json.WriteStartArray("OrganizationalUnits");
                foreach (var unit in units)
                {
                    json.WriteStartObject();
                    json.WriteString("Id", unit[0]);
                    json.WriteString("Arn", prefix + "ou/" + orgId + "/" + unit[0]);
                    json.WriteString("Name", unit[1]);
                    json.WriteString("ParentId", unit[2]);
                    json.WriteEndObject();
                }

                json.WriteEndArray();

                json.WriteStartArray("Accounts");
                for (var i = 0; i < accounts.Count; i++)
                {
                    var account = accounts[i];
                    var file = "accounts/" + account[0] + ".json";
                    summary.Bytes += WriteAccount(System.IO.Path.Combine(folder, "accounts", account[0] + ".json"), account[0], i);
                    json.WriteStartObject();
                    json.WriteString("Id", account[0]);
                    json.WriteString("Arn", prefix + "account/" + orgId + "/" + account[0]);
                    json.WriteString("Name", account[1]);
                    json.WriteString("Email", account[3]);
                    json.WriteString("State", "ACTIVE");
                    json.WriteString("ParentId", account[2]);
                    json.WriteString("JoinedMethod", i == 0 ? "CREATED" : (i % 7 == 0 ? "INVITED" : "CREATED"));
                    json.WriteString("JoinedTimestamp", account[4]);
                    json.WriteString("AuthorizationDetails", file);
                    json.WriteEndObject();
                }

                json.WriteEndArray();

                var allTargets = new List<string> { rootId };
                foreach (var unit in units)
                {
                    allTargets.Add(unit[0]);
                }

                foreach (var account in accounts)
                {
                    allTargets.Add(account[0]);
                }

                json.WriteStartArray("Policies");
                WriteScp(json, "p-FullAWSAccess", "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", "FullAWSAccess",
                    "Allows access to every operation", true, FullAwsAccessContent, allTargets);
                var denyMarketplace = "p-" + Lower(random, 10);
                WriteScp(json, denyMarketplace, prefix + "policy/" + orgId + "/service_control_policy/" + denyMarketplace, "DenyMarketplaceSubscribe",
                    "No new AWS Marketplace subscriptions in the sandbox", false, DenyMarketplaceSubscribeContent, new List<string> { topIds[1] });
                var denyOutsideEu = "p-" + Lower(random, 10);
                WriteScp(json, denyOutsideEu, prefix + "policy/" + orgId + "/service_control_policy/" + denyOutsideEu, "DenyAllOutsideEU",
                    "Denies regional services outside the EU", false, DenyOutsideEuContent(), new List<string> { topIds[0] });
                json.WriteEndArray();
                json.WriteEndObject();
                json.Flush();
                summary.Bytes += stream.Length;
            }

            summary.Accounts = accounts.Count;
            summary.OrganizationalUnits = units.Count;
        }

        private static void WriteScp(Utf8JsonWriter json, string id, string arn, string name, string description, bool awsManaged, string content, List<string> targets)
        {
            json.WriteStartObject();
            json.WriteString("Id", id);
            json.WriteString("Arn", arn);
            json.WriteString("Name", name);
            json.WriteString("Description", description);
            json.WriteString("Type", "SERVICE_CONTROL_POLICY");
            json.WriteBoolean("AwsManaged", awsManaged);
            json.WriteString("Content", content);
            json.WriteStartArray("Targets");
            foreach (var target in targets)
            {
                json.WriteStringValue(target);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static string DenyOutsideEuContent()
        {
            var regions = "\"" + string.Join("\",\"", EuRegions) + "\"";
            return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyAllOutsideEU\",\"Effect\":\"Deny\",\"NotAction\":[\"cloudfront:*\",\"iam:*\",\"organizations:*\",\"route53:*\",\"budgets:*\",\"support:*\",\"sts:*\",\"health:*\"],\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:RequestedRegion\":[" + regions + "]}}}]}";
        }

        // ---- accounts/<id>.json ---------------------------------------------------------------------------

        private long WriteAccount(string path, string accountId, int index)
        {
            var random = new Random(unchecked(seed * 7919 + index * 104729 + 1));
            var groupCount = Math.Max(5, principals * 7 / 100);
            var roleCount = Math.Max(2, principals / 4);
            var userCount = Math.Max(1, principals - groupCount - roleCount);
            var policies = new List<Policy>();
            var aws = new Dictionary<string, Policy>(StringComparer.Ordinal);
            foreach (var entry in AwsManaged)
            {
                var policy = new Policy { Name = entry[0], Path = entry[1], Arn = "arn:aws:iam::aws:policy" + entry[1] + entry[0], Id = NewId(random, "ANPA"), AwsDocument = awsDocuments[entry[0]], IsAws = true };
                aws[entry[0]] = policy;
            }

            var procurement = AddCustomer(policies, random, accountId, "MarketplaceProcurement", "/marketplace/", MarketplaceProcurementDocument);
            var customer = new List<Policy>();
            var customerCount = Math.Max(4, principals / 15);
            for (var i = 0; i < customerCount; i++)
            {
                var team = Teams[random.Next(Teams.Length)];
                customer.Add(AddCustomer(policies, random, accountId, team + "-" + Apps[random.Next(Apps.Length)] + "-" + i.ToString("D3", CultureInfo.InvariantCulture), i % 3 == 0 ? "/teams/" + team + "/" : "/", Document(random, 2 + random.Next(4))));
            }

            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            using (var json = new Utf8JsonWriter(stream, Indented))
            {
                json.WriteStartObject();

                // Groups first in the plan (users refer to them), written after the users as the CLI does.
                var groups = new List<string[]>(); // name, id, attached AWS policy, customer policy index or -1, inline
                groups.Add(new[] { "Administrators", NewId(random, "AGPA"), "AdministratorAccess", "-1", "" });
                groups.Add(new[] { "Developers", NewId(random, "AGPA"), "PowerUserAccess", random.Next(customer.Count).ToString(CultureInfo.InvariantCulture), "" });
                groups.Add(new[] { "ReadOnly", NewId(random, "AGPA"), "ViewOnlyAccess", "-1", "" });
                groups.Add(new[] { "Procurement", NewId(random, "AGPA"), "AWSMarketplaceManageSubscriptions", "-1", "" });
                groups.Add(new[] { "Billing", NewId(random, "AGPA"), "AWSMarketplaceRead-only", "-1", BillingViewerDocument });
                for (var i = groups.Count; i < groupCount; i++)
                {
                    groups.Add(new[] { "team-" + Teams[i % Teams.Length] + (i >= Teams.Length + 5 ? "-" + i.ToString(CultureInfo.InvariantCulture) : ""), NewId(random, "AGPA"), "", random.Next(customer.Count).ToString(CultureInfo.InvariantCulture), random.Next(4) == 0 ? Document(random, 1) : "" });
                }

                var members = new int[groups.Count];
                json.WriteStartArray("UserDetailList");
                for (var u = 0; u < userCount; u++)
                {
                    var name = FirstNames[random.Next(FirstNames.Length)] + "." + LastNames[random.Next(LastNames.Length)] + u.ToString(CultureInfo.InvariantCulture);
                    var memberOf = new List<int>();
                    if (random.Next(100) < 60) memberOf.Add(2);
                    if (random.Next(100) < 30) memberOf.Add(1);
                    if (random.Next(100) < 3 || u == 0) memberOf.Add(0);
                    if (random.Next(100) < 2 || u == 1 % userCount) memberOf.Add(3);
                    if (random.Next(100) < 3) memberOf.Add(4);
                    if (groups.Count > 5 && random.Next(100) < 70) memberOf.Add(5 + random.Next(groups.Count - 5));
                    memberOf = Distinct(memberOf);

                    json.WriteStartObject();
                    json.WriteString("Path", "/");
                    json.WriteString("UserName", name);
                    json.WriteString("UserId", NewId(random, "AIDA"));
                    json.WriteString("Arn", "arn:aws:iam::" + accountId + ":user/" + name);
                    json.WriteString("CreateDate", Iso(Epoch.AddSeconds(random.Next(1, 200000000))));
                    json.WriteStartArray("UserPolicyList");
                    if (u == 2 % userCount)
                    {
                        WriteInline(json, "legacy-marketplace", LegacySubscribeDocument);
                    }
                    else if (random.Next(100) < 3)
                    {
                        WriteInline(json, "personal-" + u.ToString(CultureInfo.InvariantCulture), Document(random, 1 + random.Next(2)));
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("GroupList");
                    foreach (var g in memberOf)
                    {
                        members[g]++;
                        json.WriteStringValue(groups[g][0]);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("AttachedManagedPolicies");
                    if (u == 3 % userCount || random.Next(1000) < 5)
                    {
                        WriteAttached(json, procurement);
                    }

                    if (u == 4 % userCount)
                    {
                        WriteAttached(json, aws["AWSMarketplaceFullAccess"]);
                    }

                    if (random.Next(100) < 5)
                    {
                        WriteAttached(json, customer[random.Next(customer.Count)]);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("Tags");
                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                summary.Users += userCount;

                json.WriteStartArray("GroupDetailList");
                foreach (var group in groups)
                {
                    json.WriteStartObject();
                    json.WriteString("Path", "/");
                    json.WriteString("GroupName", group[0]);
                    json.WriteString("GroupId", group[1]);
                    json.WriteString("Arn", "arn:aws:iam::" + accountId + ":group/" + group[0]);
                    json.WriteString("CreateDate", Iso(Epoch.AddDays(random.Next(1, 300))));
                    json.WriteStartArray("GroupPolicyList");
                    if (group[4].Length > 0)
                    {
                        WriteInline(json, group[0] + "-inline", group[4]);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("AttachedManagedPolicies");
                    if (group[2].Length > 0)
                    {
                        WriteAttached(json, aws[group[2]]);
                    }

                    var customerIndex = int.Parse(group[3], CultureInfo.InvariantCulture);
                    if (customerIndex >= 0)
                    {
                        WriteAttached(json, customer[customerIndex]);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                summary.Groups += groups.Count;

                json.WriteStartArray("RoleDetailList");
                // Organizations creates OrganizationAccountAccessRole in member accounts only.
                WriteRole(json, random, accountId, index == 0 ? "BreakGlassAdministrator" : "OrganizationAccountAccessRole", "/", TrustAccount(managementAccountId, null), aws["AdministratorAccess"], null);
                WriteRole(json, random, accountId, "OrganizationReadOnlyRole", "/", TrustAccount(managementAccountId, null), aws["ViewOnlyAccess"], null);
                for (var r = 2; r < roleCount; r++)
                {
                    var app = Apps[random.Next(Apps.Length)];
                    var kind = random.Next(10);
                    var suffix = "-" + r.ToString(CultureInfo.InvariantCulture);
                    if (kind < 4)
                    {
                        WriteRole(json, random, accountId, "lambda-" + app + suffix, "/service-role/", TrustService("lambda.amazonaws.com"), customer[random.Next(customer.Count)], Document(random, 1));
                    }
                    else if (kind < 7)
                    {
                        WriteRole(json, random, accountId, "ec2-" + app + suffix, "/", TrustService("ec2.amazonaws.com"), random.Next(2) == 0 ? aws["ViewOnlyAccess"] : customer[random.Next(customer.Count)], null);
                    }
                    else if (kind < 9)
                    {
                        WriteRole(json, random, accountId, "ecs-task-" + app + suffix, "/", TrustService("ecs-tasks.amazonaws.com"), customer[random.Next(customer.Count)], Document(random, 2));
                    }
                    else
                    {
                        WriteRole(json, random, accountId, "partner-" + app + suffix, "/partners/", TrustAccount(PartnerAccounts[random.Next(PartnerAccounts.Length)], "ext-" + Lower(random, 12)), aws["AWSMarketplaceRead-only"], null);
                    }
                }

                json.WriteEndArray();
                summary.Roles += roleCount;

                json.WriteStartArray("Policies");
                foreach (var entry in AwsManaged)
                {
                    if (aws[entry[0]].Attachments > 0)
                    {
                        WritePolicy(json, random, aws[entry[0]]);
                    }
                }

                foreach (var policy in policies)
                {
                    WritePolicy(json, random, policy);
                }

                json.WriteEndArray();
                summary.CustomerPolicies += policies.Count;
                json.WriteEndObject();
                json.Flush();
                return stream.Length;
            }
        }

        private void WriteRole(Utf8JsonWriter json, Random random, string accountId, string name, string path, string trust, Policy attached, string inline)
        {
            json.WriteStartObject();
            json.WriteString("Path", path);
            json.WriteString("RoleName", name);
            json.WriteString("RoleId", NewId(random, "AROA"));
            json.WriteString("Arn", "arn:aws:iam::" + accountId + ":role" + path + name);
            json.WriteString("CreateDate", Iso(Epoch.AddSeconds(random.Next(1, 200000000))));
            json.WritePropertyName("AssumeRolePolicyDocument");
            using (var document = JsonDocument.Parse(trust))
            {
                document.RootElement.WriteTo(json);
            }

            json.WriteStartArray("InstanceProfileList");
            json.WriteEndArray();
            json.WriteStartArray("RolePolicyList");
            if (inline != null)
            {
                WriteInline(json, name + "-inline", inline);
            }

            json.WriteEndArray();
            json.WriteStartArray("AttachedManagedPolicies");
            WriteAttached(json, attached);
            json.WriteEndArray();
            json.WriteStartArray("Tags");
            json.WriteEndArray();
            json.WriteStartObject("RoleLastUsed");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        private static void WriteInline(Utf8JsonWriter json, string name, string document)
        {
            json.WriteStartObject();
            json.WriteString("PolicyName", name);
            json.WritePropertyName("PolicyDocument");
            using (var parsed = JsonDocument.Parse(document))
            {
                parsed.RootElement.WriteTo(json);
            }

            json.WriteEndObject();
        }

        private static void WriteAttached(Utf8JsonWriter json, Policy policy)
        {
            policy.Attachments++;
            json.WriteStartObject();
            json.WriteString("PolicyName", policy.Name);
            json.WriteString("PolicyArn", policy.Arn);
            json.WriteEndObject();
        }

        private static void WritePolicy(Utf8JsonWriter json, Random random, Policy policy)
        {
            var created = Iso(Epoch.AddDays(random.Next(1, 900)));
            json.WriteStartObject();
            json.WriteString("PolicyName", policy.Name);
            json.WriteString("PolicyId", policy.Id);
            json.WriteString("Arn", policy.Arn);
            json.WriteString("Path", policy.Path);
            json.WriteString("DefaultVersionId", "v1");
            json.WriteNumber("AttachmentCount", policy.Attachments);
            json.WriteNumber("PermissionsBoundaryUsageCount", 0);
            json.WriteBoolean("IsAttachable", true);
            json.WriteString("CreateDate", created);
            json.WriteString("UpdateDate", created);
            json.WriteStartArray("PolicyVersionList");
            json.WriteStartObject();
            json.WritePropertyName("Document");
            if (policy.IsAws)
            {
                policy.AwsDocument.WriteTo(json);
            }
            else
            {
                using (var parsed = JsonDocument.Parse(policy.Document))
                {
                    parsed.RootElement.WriteTo(json);
                }
            }

            json.WriteString("VersionId", "v1");
            json.WriteBoolean("IsDefaultVersion", true);
            json.WriteString("CreateDate", created);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private static Policy AddCustomer(List<Policy> policies, Random random, string accountId, string name, string path, string document)
        {
            var policy = new Policy { Name = name, Path = path, Arn = "arn:aws:iam::" + accountId + ":policy" + path + name, Id = NewId(random, "ANPA"), Document = document };
            policies.Add(policy);
            return policy;
        }

        // ---- documents -----------------------------------------------------------------------------------

        /// <summary>An identity policy of <paramref name="statements"/> Allow statements over common services, now and then with a condition.</summary>
        private static string Document(Random random, int statements)
        {
            var parts = new List<string>();
            for (var i = 0; i < statements; i++)
            {
                var service = Services[random.Next(Services.Length)];
                var actions = new List<string>();
                var count = 1 + random.Next(3);
                for (var a = 0; a < count; a++)
                {
                    var pick = service[1 + random.Next(service.Length - 1)];
                    var action = pick.Contains(":") ? pick : service[0] + ":" + pick;
                    if (!actions.Contains(action))
                    {
                        actions.Add(action);
                    }
                }

                var resource = random.Next(3) == 0 ? "\"*\"" : "\"arn:aws:" + service[0] + ":*:*:" + Apps[random.Next(Apps.Length)] + "-*\"";
                var condition = random.Next(5) == 0 ? ",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}" : "";
                parts.Add("{\"Sid\":\"S" + i.ToString(CultureInfo.InvariantCulture) + "\",\"Effect\":\"Allow\",\"Action\":[\"" + string.Join("\",\"", actions) + "\"],\"Resource\":" + resource + condition + "}");
            }

            return "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", parts) + "]}";
        }

        private static string TrustAccount(string accountId, string externalId)
        {
            var condition = externalId == null ? "" : ",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + externalId + "\"}}";
            return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + accountId + ":root\"},\"Action\":\"sts:AssumeRole\"" + condition + "}]}";
        }

        private static string TrustService(string service) =>
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";

        // ---- small helpers -------------------------------------------------------------------------------

        private static List<int> Distinct(List<int> values)
        {
            var result = new List<int>();
            foreach (var value in values)
            {
                if (!result.Contains(value))
                {
                    result.Add(value);
                }
            }

            return result;
        }

        private static string NewId(Random random, string prefix)
        {
            var chars = new char[21];
            prefix.CopyTo(0, chars, 0, 4);
            for (var i = 4; i < chars.Length; i++)
            {
                chars[i] = IdChars[random.Next(IdChars.Length)];
            }

            return new string(chars);
        }

        private static string Lower(Random random, int length)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = LowerChars[random.Next(LowerChars.Length)];
            }

            return new string(chars);
        }

        private static string Iso(DateTime date) => date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
'@
}

$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
$organizationFile = Join-Path $target 'organization.json'
$accountsFolder = Join-Path $target 'accounts'
if ((Test-Path -LiteralPath $organizationFile) -or (Test-Path -LiteralPath $accountsFolder)) {
    if (-not $Force) {
        throw "$target already holds an organization snapshot; use -Force to replace it."
    }

    Remove-Item -LiteralPath $organizationFile -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $accountsFolder -Recurse -Force -ErrorAction SilentlyContinue
}

$awsPolicies = Join-Path $PSScriptRoot '../../src/MarketplaceGuard.Engine/Accounts/AwsManagedPolicies'
$stopwatch = [Diagnostics.Stopwatch]::StartNew()
$summary = [MarketplaceGuard.Performance.SyntheticOrganizationWriter]::Write($target, (Resolve-Path -LiteralPath $awsPolicies).ProviderPath, $Accounts, $Principals, $Seed, $ManagementAccountId)
$stopwatch.Stop()

Write-Verbose ("Wrote {0}: {1:N1} MB in {2:N1} s." -f $target, ($summary.Bytes / 1MB), $stopwatch.Elapsed.TotalSeconds)
[pscustomobject]@{
    Path                = $target
    Seed                = $Seed
    Accounts            = $summary.Accounts
    OrganizationalUnits = $summary.OrganizationalUnits
    Users               = $summary.Users
    Groups              = $summary.Groups
    Roles               = $summary.Roles
    CustomerPolicies    = $summary.CustomerPolicies
    SizeMB              = [math]::Round($summary.Bytes / 1MB, 1)
    Seconds             = [math]::Round($stopwatch.Elapsed.TotalSeconds, 1)
}
