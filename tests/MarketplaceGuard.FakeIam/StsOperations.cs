namespace MarketplaceGuard.FakeIam;

/// <summary>STS on the same listener: GetCallerIdentity only (Version 2011-06-15, STS namespace).</summary>
internal sealed class StsOperations
{
    public const string ApiVersion = "2011-06-15";
    private readonly FakeIamAccount account;

    public StsOperations(FakeIamAccount account)
    {
        this.account = account;
    }

    public string Execute(QueryRequest request, string requestId)
    {
        var action = request.Action!;
        if (action != "GetCallerIdentity")
        {
            throw new IamException("InvalidAction", 400, $"Could not find operation {action} for version {ApiVersion}");
        }

        var writer = new IamXmlWriter(action, IamXmlWriter.StsNamespace);
        writer.BeginResult();
        lock (account.SyncRoot)
        {
            writer.Element("Arn", account.CallerArn);
            writer.Element("UserId", account.CallerUserId);
            writer.Element("Account", account.AccountId);
        }

        return writer.Finish(requestId);
    }
}
