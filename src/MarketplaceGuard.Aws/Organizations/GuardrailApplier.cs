using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using MarketplaceGuard.Engine.Guardrails;

namespace MarketplaceGuard.Aws.Organizations;

/// <summary>
/// Makes the Organizations writes of a guardrail plan (<see cref="GuardrailPlanner"/>), in order. When a write fails
/// before the plan's deletions, what this run did is undone in reverse order (attachments detached, detachments
/// attached again, documents and descriptions restored, policies it created deleted), so a target is never left with
/// half a guardrail; the <see cref="GuardrailApplyException"/> then says what failed and what was undone. Answers that
/// say a change is already made (a retry whose reply was lost, a concurrent run) count as converged, not as failures:
/// DuplicatePolicyAttachmentException, PolicyNotAttachedException, PolicyNotFoundException for a deletion, and a
/// DuplicatePolicyException for a policy that is ours with the same document.
/// </summary>
public sealed class GuardrailApplier
{
    private const string ServiceControlPolicy = "SERVICE_CONTROL_POLICY";
    private readonly OrganizationsClient client;

    public GuardrailApplier(OrganizationsClient client)
    {
        this.client = client;
    }

    /// <summary>
    /// Applies <paramref name="changes"/>, adding each one's description to <paramref name="made"/> once it is made.
    /// Throws <see cref="GuardrailApplyException"/> when one fails (after undoing this run's changes when that was
    /// possible).
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<GuardrailChange> changes, List<string> made, CancellationToken cancellation)
    {
        var ids = changes.Where(c => c.PolicyId is not null).GroupBy(c => c.PolicyName).ToDictionary(g => g.Key, g => g.First().PolicyId!, StringComparer.Ordinal);
        var undo = new List<(string Description, Func<Task> Run)>();
        foreach (var change in changes)
        {
            bool changed;
            try
            {
                changed = await ApplyOneAsync(change, ids, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OrganizationsException or OperationCanceledException)
            {
                if (change.Kind == GuardrailChangeKind.DeletePolicy)
                {
                    // Every attachment is as planned: what is left is a policy of ours attached nowhere, which a re-run
                    // or Remove-MarketplaceGuardrail deletes.
                    throw new GuardrailApplyException(change, e, made, [], []);
                }

                var (undone, failed) = await UndoAsync(undo).ConfigureAwait(false);
                throw new GuardrailApplyException(change, e, made, undone, failed);
            }

            if (!changed)
            {
                continue;
            }

            made.Add(change.Description);
            if (UndoOf(change, ids) is { } reverse)
            {
                undo.Add(reverse);
            }
        }
    }

    private async Task<bool> ApplyOneAsync(GuardrailChange change, Dictionary<string, string> ids, CancellationToken cancellation)
    {
        string Id() => ids.TryGetValue(change.PolicyName, out var id) ? id : throw new InvalidOperationException($"The SCP {change.PolicyName} has no id: the change that creates it did not run.");
        try
        {
            switch (change.Kind)
            {
                case GuardrailChangeKind.CreatePolicy:
                    ids[change.PolicyName] = await CreateAsync(change, cancellation).ConfigureAwait(false);
                    return true;
                case GuardrailChangeKind.UpdatePolicy:
                    await UpdateAsync(Id(), change.Content, change.PolicyDescription, cancellation).ConfigureAwait(false);
                    return true;
                case GuardrailChangeKind.TagPolicy:
                    await client.CallAsync("TagResource", w =>
                    {
                        w.WriteString("ResourceId", Id());
                        WriteTags(w, change.Tags!);
                    }, cancellation).ConfigureAwait(false);
                    return true;
                case GuardrailChangeKind.AttachPolicy:
                    await client.CallAsync("AttachPolicy", [new("PolicyId", Id()), new("TargetId", change.TargetId!)], cancellation).ConfigureAwait(false);
                    return true;
                case GuardrailChangeKind.DetachPolicy:
                    await client.CallAsync("DetachPolicy", [new("PolicyId", Id()), new("TargetId", change.TargetId!)], cancellation).ConfigureAwait(false);
                    return true;
                default:
                    await client.CallAsync("DeletePolicy", [new("PolicyId", Id())], cancellation).ConfigureAwait(false);
                    return true;
            }
        }
        catch (OrganizationsException e) when ((change.Kind, e.Code) is
            (GuardrailChangeKind.AttachPolicy, "DuplicatePolicyAttachmentException")
            or (GuardrailChangeKind.DetachPolicy, "PolicyNotAttachedException")
            or (GuardrailChangeKind.DeletePolicy, "PolicyNotFoundException"))
        {
            return false;
        }
    }

    /// <summary>
    /// CreatePolicy with the module's tags. A DuplicatePolicyException, or a failure after which the policy may have
    /// been created, is resolved by reading the policy of that name: ours with the same document is the goal reached.
    /// </summary>
    private async Task<string> CreateAsync(GuardrailChange change, CancellationToken cancellation)
    {
        try
        {
            var reply = await client.CallAsync("CreatePolicy", w =>
            {
                w.WriteString("Content", change.Content);
                w.WriteString("Description", change.PolicyDescription ?? string.Empty);
                w.WriteString("Name", change.PolicyName);
                w.WriteString("Type", ServiceControlPolicy);
                WriteTags(w, change.Tags!);
            }, cancellation).ConfigureAwait(false);
            return reply.TryGetProperty("Policy", out var policy) && policy.TryGetProperty("PolicySummary", out var summary)
                && summary.TryGetProperty("Id", out var id) && id.GetString() is { Length: > 0 } text
                ? text
                : throw new OrganizationsException("CreatePolicy", "MalformedResponse", "the reply has no Policy.PolicySummary.Id", 200, null, 1);
        }
        catch (OrganizationsException e) when (e.Code == "DuplicatePolicyException" || e.MayHaveApplied)
        {
            if (await FindOursAsync(change, cancellation).ConfigureAwait(false) is { } existing)
            {
                return existing;
            }

            throw;
        }
    }

    private async Task<string?> FindOursAsync(GuardrailChange change, CancellationToken cancellation)
    {
        if (await GuardrailStateReader.FindByNameAsync(client, change.PolicyName, cancellation).ConfigureAwait(false) is not { } summary)
        {
            return null;
        }

        var state = await GuardrailStateReader.PolicyStateAsync(client, summary, cancellation).ConfigureAwait(false);
        return state.IsOurs && GuardrailPlanner.SameDocument(state.Content, change.Content!) ? state.Id : null;
    }

    private Task<JsonElement> UpdateAsync(string policyId, string? content, string? description, CancellationToken cancellation)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("PolicyId", policyId) };
        if (content is not null)
        {
            parameters.Add(new("Content", content));
        }

        if (description is not null)
        {
            parameters.Add(new("Description", description));
        }

        return client.CallAsync("UpdatePolicy", parameters, cancellation);
    }

    /// <summary>The write that undoes a change this run made, or null when there is none to make (a tag).</summary>
    private (string Description, Func<Task> Run)? UndoOf(GuardrailChange change, Dictionary<string, string> ids)
    {
        var id = ids[change.PolicyName];
        var none = CancellationToken.None; // an undo runs to its end, also after Ctrl+C
        return change.Kind switch
        {
            GuardrailChangeKind.CreatePolicy => ($"deleted SCP {change.PolicyName} again", () => client.CallAsync("DeletePolicy", [new("PolicyId", id)], none)),
            GuardrailChangeKind.UpdatePolicy => ($"restored the previous document and description of SCP {change.PolicyName}", () => UpdateAsync(id, change.PreviousContent, change.PreviousDescription, none)),
            GuardrailChangeKind.AttachPolicy => ($"detached SCP {change.PolicyName} again", () => client.CallAsync("DetachPolicy", [new("PolicyId", id), new("TargetId", change.TargetId!)], none)),
            GuardrailChangeKind.DetachPolicy => ($"attached SCP {change.PolicyName} again", () => client.CallAsync("AttachPolicy", [new("PolicyId", id), new("TargetId", change.TargetId!)], none)),
            _ => null,
        };
    }

    private static async Task<(List<string> Undone, List<string> Failed)> UndoAsync(List<(string Description, Func<Task> Run)> undo)
    {
        var undone = new List<string>();
        var failed = new List<string>();
        for (var i = undo.Count - 1; i >= 0; i--)
        {
            try
            {
                await undo[i].Run().ConfigureAwait(false);
                undone.Add(undo[i].Description);
            }
            catch (OrganizationsException e)
            {
                failed.Add($"could not undo ({undo[i].Description}): {e.Code}: {e.AwsMessage}");
            }
        }

        return (undone, failed);
    }

    private static void WriteTags(Utf8JsonWriter json, IReadOnlyDictionary<string, string> tags)
    {
        json.WriteStartArray("Tags");
        foreach (var (key, value) in tags)
        {
            json.WriteStartObject();
            json.WriteString("Key", key);
            json.WriteString("Value", value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

/// <summary>
/// A guardrail write failed. <see cref="Made"/> lists what this run changed before it, <see cref="Undone"/> what was
/// then undone, <see cref="UndoFailures"/> what could not be; the message says all of it.
/// </summary>
public sealed class GuardrailApplyException : Exception
{
    public GuardrailApplyException(GuardrailChange failed, Exception error, IReadOnlyList<string> made, IReadOnlyList<string> undone, IReadOnlyList<string> undoFailures)
        : base(Describe(failed, error, made, undone, undoFailures), error)
    {
        Failed = failed;
        Made = made.ToList();
        Undone = undone;
        UndoFailures = undoFailures;
    }

    public GuardrailChange Failed { get; }

    public IReadOnlyList<string> Made { get; }

    public IReadOnlyList<string> Undone { get; }

    public IReadOnlyList<string> UndoFailures { get; }

    /// <summary>True when everything this run changed was undone (or nothing was changed).</summary>
    public bool RolledBack => UndoFailures.Count == 0 && (Undone.Count > 0 || Made.Count == 0);

    private static string Describe(GuardrailChange failed, Exception error, IReadOnlyList<string> made, IReadOnlyList<string> undone, IReadOnlyList<string> undoFailures)
    {
        var why = error is OrganizationsException e ? $"{e.Code}: {e.AwsMessage}" : error.Message;
        var text = $"Could not {failed.Description} ({why}).";
        if (failed.Kind == GuardrailChangeKind.DeletePolicy)
        {
            // A delete comes after every attach and detach (Set deletes a part it no longer needs, Remove what it
            // detached), so the target's attachments are already what was planned, whichever command ran.
            var left = $"the SCP {failed.PolicyName} is left, attached nowhere: run the command again or Remove-MarketplaceGuardrail to delete it.";
            return made.Count == 0
                ? $"{text} T{left[1..]}"
                : $"{text} The target's attachments are as planned ({string.Join("; ", made)}); {left}";
        }

        text += made.Count == 0 ? " Nothing had been changed." : $" Already changed in this run: {string.Join("; ", made)}.";
        if (undone.Count > 0)
        {
            text += $" Undone: {string.Join("; ", undone)}.";
        }

        if (undoFailures.Count > 0)
        {
            text += $" Not undone: {string.Join("; ", undoFailures)}; run the command again to converge, or Remove-MarketplaceGuardrail.";
        }

        return text;
    }
}
