using System;
using System.Collections.Generic;

namespace MarketplaceGuard.FakeIam.Organizations;

// The entities a FakeOrganization holds. They are created through the organization (which checks ids and
// references); their mutable members can be changed directly between requests (under FakeOrganization.SyncRoot).

/// <summary>A policy type of a root and whether it is enabled (ENABLED, PENDING_ENABLE, PENDING_DISABLE).</summary>
public sealed record FakeOrgPolicyType(string Type, string Status);

/// <summary>A root: the top of the tree, with the policy types enabled in it.</summary>
public sealed class FakeOrgRoot
{
    internal FakeOrgRoot(string id, string arn, string name)
    {
        Id = id;
        Arn = arn;
        Name = name;
    }

    public string Id { get; }

    public string Arn { get; }

    public string Name { get; }

    public List<FakeOrgPolicyType> PolicyTypes { get; } = new();

    public override string ToString() => Id;
}

/// <summary>An organizational unit under a root or another OU.</summary>
public sealed class FakeOrgUnit
{
    internal FakeOrgUnit(string id, string arn, string name, string parentId)
    {
        Id = id;
        Arn = arn;
        Name = name;
        ParentId = parentId;
    }

    public string Id { get; }

    public string Arn { get; }

    public string Name { get; }

    public string ParentId { get; }

    public override string ToString() => Id;
}

/// <summary>
/// A member account (the management account too, when the organization lists it) and the IAM state the server
/// serves for it (<see cref="Iam"/>; an empty account when the snapshot did not export it).
/// </summary>
public sealed class FakeOrgAccount
{
    internal FakeOrgAccount(string id, string arn, string name, string email, string parentId, FakeIamAccount iam)
    {
        Id = id;
        Arn = arn;
        Name = name;
        Email = email;
        ParentId = parentId;
        Iam = iam;
    }

    public string Id { get; }

    public string Arn { get; }

    public string Name { get; }

    public string Email { get; }

    public string ParentId { get; }

    /// <summary>PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE or CLOSED.</summary>
    public string State { get; set; } = "ACTIVE";

    /// <summary>
    /// The retiring Status, derived from <see cref="State"/>: ACTIVE, SUSPENDED and PENDING_CLOSURE as they are,
    /// CLOSED as SUSPENDED; null (left out of replies) for PENDING_ACTIVATION.
    /// </summary>
    public string? Status => State switch
    {
        "ACTIVE" or "SUSPENDED" or "PENDING_CLOSURE" => State,
        "CLOSED" => "SUSPENDED",
        _ => null,
    };

    /// <summary>CREATED or INVITED.</summary>
    public string JoinedMethod { get; set; } = "CREATED";

    public DateTimeOffset JoinedTimestamp { get; set; }

    public FakeIamAccount Iam { get; }

    /// <summary>Why the snapshot holds no authorization details for the account (its NotExported), or null.</summary>
    public string? NotExported { get; set; }

    public override string ToString() => Id;
}

/// <summary>A policy (in practice a service control policy) with its document as text and the ids it is attached to.</summary>
public sealed class FakeOrgPolicy
{
    internal FakeOrgPolicy(string id, string arn, string name, string type, bool awsManaged, string content)
    {
        Id = id;
        Arn = arn;
        Name = name;
        Type = type;
        AwsManaged = awsManaged;
        Content = content;
    }

    public string Id { get; }

    public string Arn { get; }

    public string Name { get; set; }

    public string? Description { get; set; }

    public string Type { get; }

    public bool AwsManaged { get; }

    /// <summary>The document exactly as DescribePolicy returns it (it need not be valid JSON).</summary>
    public string Content { get; set; }

    /// <summary>The roots, OUs and accounts the policy is directly attached to, in attachment order.</summary>
    public List<string> Targets { get; } = new();

    public override string ToString() => Id;
}

/// <summary>A member account registered as a delegated administrator for a service.</summary>
public sealed record FakeDelegatedAdministrator(string AccountId, string ServicePrincipal, DateTimeOffset DelegationEnabledDate);
