using System;

namespace MarketplaceGuard.FakeIam.Sts;

/// <summary>
/// Temporary credentials AssumeRole issued, as tests may inspect them: never the secret key or the session token
/// (those are only in the AssumeRole reply).
/// </summary>
public sealed record FakeSession(string AccessKeyId, string AccountId, string RoleArn, string RoleSessionName, string AssumedRoleArn, DateTimeOffset Expiration);

/// <summary>Issued credentials with their secrets, as the server keeps them to check requests.</summary>
internal sealed record IssuedCredentials(FakeSession Session, string SecretAccessKey, string SessionToken, string AssumedRoleId);
