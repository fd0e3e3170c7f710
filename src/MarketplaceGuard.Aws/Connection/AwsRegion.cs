namespace MarketplaceGuard.Aws.Connection;

/// <summary>A region code with the name AWS gives it and its partition, e.g. eu-west-1, "Europe (Ireland)", aws.</summary>
public sealed record AwsRegion(string Code, string DisplayName, string Partition);
