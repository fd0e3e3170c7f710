using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The IAM operations: each reads its parameters, calls the account (which applies IAM's rules) and writes its
/// result shape. Operations run one at a time under the account's lock, so a reply is a consistent view.
/// </summary>
internal sealed partial class IamOperations
{
    public const string ApiVersion = "2010-05-08";
    private static readonly string[] EntityTypes = { "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy" };
    private readonly FakeIamAccount account;
    private readonly Dictionary<string, Action<QueryRequest, IamXmlWriter>> handlers;

    /// <summary>The ARN of the caller whose request is running (set under the account's lock, for GetUser without a name).</summary>
    private string callerArn = string.Empty;

    public IamOperations(FakeIamAccount account)
    {
        this.account = account;
        handlers = new(StringComparer.Ordinal)
        {
            ["GetAccountAuthorizationDetails"] = GetAccountAuthorizationDetails,
            ["CreatePolicy"] = CreatePolicy,
            ["GetPolicy"] = (q, w) => WriteResult(w, "Policy", () => IamShapes.Policy(w, account, Policy(q), detailed: true)),
            ["DeletePolicy"] = (q, _) => account.DeletePolicy(Policy(q)),
            ["ListPolicies"] = ListPolicies,
            ["CreatePolicyVersion"] = CreatePolicyVersion,
            ["GetPolicyVersion"] = (q, w) => WriteResult(w, "PolicyVersion", () => IamShapes.PolicyVersion(w, account.RequireVersion(Policy(q), VersionId(q)), withDocument: true)),
            ["ListPolicyVersions"] = ListPolicyVersions,
            ["DeletePolicyVersion"] = (q, _) => account.DeletePolicyVersion(Policy(q), VersionId(q)),
            ["SetDefaultPolicyVersion"] = (q, _) => account.SetDefaultPolicyVersion(Policy(q), VersionId(q)),
            ["TagPolicy"] = TagPolicy,
            ["UntagPolicy"] = UntagPolicy,
            ["ListPolicyTags"] = ListPolicyTags,
            ["ListEntitiesForPolicy"] = ListEntitiesForPolicy,
            ["GetUser"] = GetUser,
            ["ListUsers"] = (q, w) => ListPrincipals(q, w, "Users", account.Users, u => IamShapes.User(w, u, withBoundaryAndTags: false)),
            ["ListGroupsForUser"] = ListGroupsForUser,
            ["GetGroup"] = GetGroup,
            ["CreateGroup"] = CreateGroup,
            ["ListGroups"] = (q, w) => ListPrincipals(q, w, "Groups", account.Groups, g => IamShapes.Group(w, g)),
            ["AddUserToGroup"] = (q, _) => account.AddUserToGroup(Name(q, "UserName", 64), Name(q, "GroupName", 128)),
            ["RemoveUserFromGroup"] = (q, _) => account.RemoveUserFromGroup(Name(q, "UserName", 64), Name(q, "GroupName", 128)),
            ["GetRole"] = (q, w) => WriteResult(w, "Role", () => IamShapes.Role(w, account.RequireRole(Name(q, "RoleName", 64)))),
            ["ListRoles"] = (q, w) => ListPrincipals(q, w, "Roles", account.Roles, r => IamShapes.Role(w, r)),
        };

        foreach (var kind in Enum.GetValues<PrincipalKind>())
        {
            var noun = kind.ToString();
            handlers[$"Attach{noun}Policy"] = (q, _) => account.AttachPolicy(Principal(q, kind), PolicyArn(q));
            handlers[$"Detach{noun}Policy"] = (q, _) => account.DetachPolicy(Principal(q, kind), PolicyArn(q));
            handlers[$"ListAttached{noun}Policies"] = (q, w) => ListAttachedPolicies(q, w, kind);
            handlers[$"Put{noun}Policy"] = (q, _) => account.PutInlinePolicy(Principal(q, kind), q.Required("PolicyName"), q.Required("PolicyDocument"));
            handlers[$"Get{noun}Policy"] = (q, w) => GetInlinePolicy(q, w, kind);
            handlers[$"Delete{noun}Policy"] = (q, _) => account.DeleteInlinePolicy(Principal(q, kind), q.Required("PolicyName"));
            handlers[$"List{noun}Policies"] = (q, w) => ListInlinePolicies(q, w, kind);
        }
    }

    public IReadOnlyCollection<string> Operations => handlers.Keys;

    /// <summary>Runs the request's action for <paramref name="caller"/>; returns the reply document or throws <see cref="IamException"/>.</summary>
    public string Execute(QueryRequest request, CallerIdentity caller, string requestId)
    {
        var action = request.Action!;
        if (!handlers.TryGetValue(action, out var handler))
        {
            throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {ApiVersion}");
        }

        var writer = new IamXmlWriter(action, IamXmlWriter.IamNamespace);
        lock (account.SyncRoot)
        {
            callerArn = caller.Arn;
            handler(request, writer);
        }

        return writer.Finish(requestId);
    }

    // ---- managed policies ----

    private void GetAccountAuthorizationDetails(QueryRequest q, IamXmlWriter w)
    {
        var filters = q.List("Filter");
        foreach (var filter in filters.Where(f => !EntityTypes.Contains(f)))
        {
            throw IamException.Validation("Filter", filter, $"Member must satisfy enum value set: [{string.Join(", ", EntityTypes)}]");
        }

        bool Wants(string type) => filters.Count == 0 || filters.Contains(type);

        // One sequence of entities, paged as a whole: a page holds at most MaxItems users, groups, roles and policies together.
        var entities = new List<object>();
        if (Wants("User"))
        {
            entities.AddRange(account.Users);
        }

        if (Wants("Group"))
        {
            entities.AddRange(account.Groups);
        }

        if (Wants("Role"))
        {
            entities.AddRange(account.Roles);
        }

        entities.AddRange(account.Policies.Where(p => Wants(p.IsAwsManaged ? "AWSManagedPolicy" : "LocalManagedPolicy")));

        var page = Paging.Page(entities, q, out var next);
        w.BeginResult();
        w.List("UserDetailList", page.OfType<FakeUser>(), u => IamShapes.UserDetail(w, u));
        w.List("GroupDetailList", page.OfType<FakeGroup>(), g => IamShapes.GroupDetail(w, g));
        w.List("RoleDetailList", page.OfType<FakeRole>(), r => IamShapes.RoleDetail(w, r));
        w.List("Policies", page.OfType<FakeManagedPolicy>(), p => IamShapes.ManagedPolicyDetail(w, account, p));
        w.PagingInfo(next);
    }

    private void CreatePolicy(QueryRequest q, IamXmlWriter w)
    {
        var policy = account.CreatePolicy(
            q.Required("PolicyName"), q.Required("PolicyDocument"), q.Get("Path") ?? "/", q.Get("Description"), q.Tags());
        WriteResult(w, "Policy", () => IamShapes.Policy(w, account, policy, detailed: true));
    }

    private void ListPolicies(QueryRequest q, IamXmlWriter w)
    {
        var scope = q.OneOf("Scope", "All", "AWS", "Local") ?? "All";
        var usage = q.OneOf("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary");
        var onlyAttached = q.Bool("OnlyAttached");
        var pathPrefix = q.Get("PathPrefix") ?? "/";
        var matching = account.Policies
            .Where(p => scope == "All" || p.IsAwsManaged == (scope == "AWS"))
            .Where(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .Where(p =>
            {
                var (attachments, boundaries) = account.UsageOf(p);
                var used = usage switch
                {
                    "PermissionsPolicy" => attachments,
                    "PermissionsBoundary" => boundaries,
                    _ => attachments + boundaries,
                };
                return !onlyAttached || used > 0;
            })
            .ToList();
        var page = Paging.Page(matching, q, out var next);
        w.BeginResult();
        w.List("Policies", page, p => IamShapes.Policy(w, account, p, detailed: false));
        w.PagingInfo(next);
    }

    private void CreatePolicyVersion(QueryRequest q, IamXmlWriter w)
    {
        var policy = Policy(q);
        var version = account.CreatePolicyVersion(policy, q.Required("PolicyDocument"), q.Bool("SetAsDefault"));
        WriteResult(w, "PolicyVersion", () => IamShapes.PolicyVersion(w, version, withDocument: false));
    }

    private void ListPolicyVersions(QueryRequest q, IamXmlWriter w)
    {
        var page = Paging.Page(IamShapes.NewestFirst(Policy(q)).ToList(), q, out var next);
        w.BeginResult();
        w.List("Versions", page, v => IamShapes.PolicyVersion(w, v, withDocument: false));
        w.PagingInfo(next);
    }

    private void TagPolicy(QueryRequest q, IamXmlWriter w)
    {
        var policy = Policy(q);
        var tags = q.Tags();
        if (tags.Count == 0)
        {
            throw IamException.Validation("Tags", null, "Member must not be null");
        }

        account.TagPolicy(policy, tags);
    }

    private void UntagPolicy(QueryRequest q, IamXmlWriter w)
    {
        var policy = Policy(q);
        var keys = q.List("TagKeys");
        if (keys.Count == 0)
        {
            throw IamException.Validation("TagKeys", null, "Member must not be null");
        }

        account.UntagPolicy(policy, keys);
    }

    private void ListPolicyTags(QueryRequest q, IamXmlWriter w)
    {
        var tags = Policy(q).Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var page = Paging.Page(tags, q, out var next);
        w.BeginResult();
        IamShapes.Tags(w, "Tags", page);
        w.PagingInfo(next);
    }

    private void ListEntitiesForPolicy(QueryRequest q, IamXmlWriter w)
    {
        var policy = Policy(q);
        var entityFilter = q.OneOf("EntityFilter", EntityTypes);
        var usage = q.OneOf("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary");
        var pathPrefix = q.Get("PathPrefix") ?? "/";

        bool Uses(FakePrincipal p) => (usage != "PermissionsBoundary" && p.IsAttached(policy.Arn))
            || (usage != "PermissionsPolicy" && BoundaryOf(p) == policy.Arn);

        var entities = account.Groups.Cast<FakePrincipal>().Concat(account.Users).Concat(account.Roles)
            .Where(p => entityFilter is null || entityFilter == p.Kind.ToString())
            .Where(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .Where(Uses)
            .ToList();
        var page = Paging.Page(entities, q, out var next);
        w.BeginResult();
        w.List("PolicyGroups", page.OfType<FakeGroup>(), g =>
        {
            w.Element("GroupName", g.Name);
            w.Element("GroupId", g.Id);
        });
        w.List("PolicyUsers", page.OfType<FakeUser>(), u =>
        {
            w.Element("UserName", u.Name);
            w.Element("UserId", u.Id);
        });
        w.List("PolicyRoles", page.OfType<FakeRole>(), r =>
        {
            w.Element("RoleName", r.Name);
            w.Element("RoleId", r.Id);
        });
        w.PagingInfo(next);
    }

    // ---- users, groups, roles ----

    private void GetUser(QueryRequest q, IamXmlWriter w)
    {
        FakeUser user;
        if (q.Get("UserName") is not null)
        {
            user = account.RequireUser(Name(q, "UserName", 64));
        }
        else
        {
            var marker = callerArn.IndexOf(":user/", StringComparison.Ordinal);
            if (marker < 0)
            {
                throw new IamException("ValidationError", 400, "Must specify userName when calling with non-User credentials");
            }

            user = account.RequireUser(callerArn[(callerArn.LastIndexOf('/') + 1)..]);
        }

        WriteResult(w, "User", () => IamShapes.User(w, user, withBoundaryAndTags: true));
    }

    private void ListGroupsForUser(QueryRequest q, IamXmlWriter w)
    {
        var user = account.RequireUser(Name(q, "UserName", 64));
        var page = Paging.Page(user.Groups, q, out var next);
        w.BeginResult();
        w.List("Groups", page, g => IamShapes.Group(w, g));
        w.PagingInfo(next);
    }

    private void GetGroup(QueryRequest q, IamXmlWriter w)
    {
        var group = account.RequireGroup(Name(q, "GroupName", 128));
        var page = Paging.Page(group.Members, q, out var next);
        w.BeginResult();
        w.Start("Group");
        IamShapes.Group(w, group);
        w.End();
        w.List("Users", page, u => IamShapes.User(w, u, withBoundaryAndTags: false));
        w.PagingInfo(next);
    }

    private void CreateGroup(QueryRequest q, IamXmlWriter w)
    {
        var group = account.AddGroup(q.Required("GroupName"), q.Get("Path") ?? "/");
        WriteResult(w, "Group", () => IamShapes.Group(w, group));
    }

    private static void ListPrincipals<T>(QueryRequest q, IamXmlWriter w, string listName, IReadOnlyList<T> all, Action<T> writeMember)
        where T : FakePrincipal
    {
        var pathPrefix = q.Get("PathPrefix") ?? "/";
        var page = Paging.Page(all.Where(p => p.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList(), q, out var next);
        w.BeginResult();
        w.List(listName, page, writeMember);
        w.PagingInfo(next);
    }

    // ---- attached and inline policies ----

    private void ListAttachedPolicies(QueryRequest q, IamXmlWriter w, PrincipalKind kind)
    {
        var principal = Principal(q, kind);
        var pathPrefix = q.Get("PathPrefix") ?? "/";
        var attached = principal.AttachedPolicies
            .Where(a => IamIdentifiers.PolicyPathFromArn(a.PolicyArn).StartsWith(pathPrefix, StringComparison.Ordinal))
            .ToList();
        var page = Paging.Page(attached, q, out var next);
        w.BeginResult();
        IamShapes.AttachedPolicies(w, "AttachedPolicies", page);
        w.PagingInfo(next);
    }

    private void GetInlinePolicy(QueryRequest q, IamXmlWriter w, PrincipalKind kind)
    {
        var principal = Principal(q, kind);
        var policy = account.RequireInlinePolicy(principal, q.Required("PolicyName"));
        w.BeginResult();
        w.Element(kind + "Name", principal.Name);
        w.Element("PolicyName", policy.Name);
        w.Element("PolicyDocument", PolicyDocuments.Encode(policy.Document));
    }

    private void ListInlinePolicies(QueryRequest q, IamXmlWriter w, PrincipalKind kind)
    {
        var page = Paging.Page(Principal(q, kind).InlinePolicies.Select(p => p.Name).ToList(), q, out var next);
        w.BeginResult();
        w.StringList("PolicyNames", page);
        w.PagingInfo(next);
    }

    // ---- parameters ----

    private static void WriteResult(IamXmlWriter w, string element, Action writeContent)
    {
        w.BeginResult();
        w.Start(element);
        writeContent();
        w.End();
    }

    private static string Name(QueryRequest q, string parameter, int maxLength)
    {
        var name = q.Required(parameter);
        IamIdentifiers.CheckName(parameter, name, maxLength);
        return name;
    }

    private static string PolicyArn(QueryRequest q)
    {
        var arn = q.Required("PolicyArn");
        IamIdentifiers.CheckArn("PolicyArn", arn);
        return arn;
    }

    private static string VersionId(QueryRequest q)
    {
        var versionId = q.Required("VersionId");
        if (!VersionIdPattern().IsMatch(versionId))
        {
            throw IamException.Validation("VersionId", versionId, @"Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?");
        }

        return versionId;
    }

    private static string? BoundaryOf(FakePrincipal principal) => principal switch
    {
        FakeUser u => u.PermissionsBoundaryArn,
        FakeRole r => r.PermissionsBoundaryArn,
        _ => null,
    };

    private FakeManagedPolicy Policy(QueryRequest q) => account.RequirePolicy(PolicyArn(q));

    private FakePrincipal Principal(QueryRequest q, PrincipalKind kind) => kind switch
    {
        PrincipalKind.User => account.RequireUser(Name(q, "UserName", 64)),
        PrincipalKind.Group => account.RequireGroup(Name(q, "GroupName", 128)),
        _ => account.RequireRole(Name(q, "RoleName", 64)),
    };

    [GeneratedRegex(@"^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$")]
    private static partial Regex VersionIdPattern();
}
