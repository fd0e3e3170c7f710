using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using MarketplaceGuard.FakeIam.Sts;

namespace MarketplaceGuard.FakeIam;

/// <summary>
/// The IAM accounts the server serves, by account id, and which account an access key acts as: keys mapped with
/// <see cref="MapAccessKey"/>, keys AssumeRole issued (which must come with their session token and expire), and
/// every other key as the default account. Each account has its own <see cref="IamOperations"/>. Thread-safe.
/// </summary>
internal sealed class AccountDirectory
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private readonly object gate = new();
    private readonly Dictionary<string, FakeIamAccount> accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IamOperations> operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> accessKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedCredentials> issued = new(StringComparer.Ordinal);
    private readonly List<FakeSession> sessions = new();
    private readonly FakeIamAccount defaultAccount;

    public AccountDirectory(FakeIamAccount defaultAccount)
    {
        this.defaultAccount = defaultAccount;
        Add(defaultAccount);
    }

    /// <summary>The clock for session expiration.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public FakeIamAccount Default => defaultAccount;

    public IReadOnlyList<FakeIamAccount> All
    {
        get
        {
            lock (gate)
            {
                return accounts.Values.ToList();
            }
        }
    }

    public IReadOnlyList<FakeSession> Sessions
    {
        get
        {
            lock (gate)
            {
                return sessions.ToList();
            }
        }
    }

    /// <summary>Serves another account; an id can be served once.</summary>
    public void Add(FakeIamAccount account)
    {
        lock (gate)
        {
            if (accounts.ContainsKey(account.AccountId))
            {
                throw new ArgumentException($"The server already has an account {account.AccountId}.", nameof(account));
            }

            accounts.Add(account.AccountId, account);
            operations.Add(account.AccountId, new IamOperations(account));
        }
    }

    public FakeIamAccount? Find(string accountId)
    {
        lock (gate)
        {
            return accounts.GetValueOrDefault(accountId);
        }
    }

    public IamOperations OperationsFor(FakeIamAccount account)
    {
        lock (gate)
        {
            return operations[account.AccountId];
        }
    }

    /// <summary>Requests signed with the (long-term) key act as the account, which must be served already.</summary>
    public void MapAccessKey(string accessKeyId, string accountId)
    {
        lock (gate)
        {
            if (!accounts.ContainsKey(accountId))
            {
                throw new ArgumentException($"The server has no account {accountId}; add it first.", nameof(accountId));
            }

            accessKeys[accessKeyId] = accountId;
        }
    }

    /// <summary>
    /// Who a request signed with <paramref name="accessKeyId"/> (and carrying <paramref name="sessionToken"/>, or not)
    /// acts as; null with the problem when an issued key lacks its token or has expired.
    /// </summary>
    public CallerIdentity? Resolve(string? accessKeyId, string? sessionToken, out CredentialProblem problem)
    {
        problem = CredentialProblem.None;
        FakeIamAccount account;
        lock (gate)
        {
            if (accessKeyId is not null && issued.TryGetValue(accessKeyId, out var credentials))
            {
                if (!string.Equals(sessionToken, credentials.SessionToken, StringComparison.Ordinal))
                {
                    problem = CredentialProblem.InvalidToken;
                    return null;
                }

                if (Clock() >= credentials.Session.Expiration)
                {
                    problem = CredentialProblem.Expired;
                    return null;
                }

                var session = credentials.Session;
                return new CallerIdentity(accounts[session.AccountId], session.AssumedRoleArn, credentials.AssumedRoleId, session.RoleArn);
            }

            account = accessKeyId is not null && accessKeys.TryGetValue(accessKeyId, out var id) ? accounts[id] : defaultAccount;
        }

        lock (account.SyncRoot)
        {
            return new CallerIdentity(account, account.CallerArn, account.CallerUserId);
        }
    }

    /// <summary>Issues fresh temporary credentials for a session of <paramref name="role"/>.</summary>
    public IssuedCredentials Issue(FakeRole role, string accountId, string partition, string sessionName, TimeSpan duration)
    {
        var accessKeyId = "ASIA" + RandomNumberGenerator.GetString(KeyAlphabet, 16);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var token = "FQoGZXIvYXdzE" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(240));
        var session = new FakeSession(accessKeyId, accountId, role.Arn, sessionName,
            $"arn:{partition}:sts::{accountId}:assumed-role/{role.Name}/{sessionName}", Clock() + duration);
        var credentials = new IssuedCredentials(session, secret, token, $"{role.Id}:{sessionName}");
        lock (gate)
        {
            issued.Add(accessKeyId, credentials);
            sessions.Add(session);
        }

        return credentials;
    }
}
