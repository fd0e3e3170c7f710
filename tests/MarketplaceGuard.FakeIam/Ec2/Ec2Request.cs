using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.FakeIam.Ec2;

/// <summary>One EC2 filter: a name and the values (with * and ? wildcards) any of which may match.</summary>
internal sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    private readonly Regex[] patterns = Values.Select(v => new Regex("^" + Regex.Escape(v).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant)).ToArray();

    public bool Matches(IEnumerable<string?> resourceValues) =>
        resourceValues.Any(value => value is not null && patterns.Any(p => p.IsMatch(value)));
}

/// <summary>
/// EC2's Query serialization read back: lists as <c>Name.N</c> (Owner.1, ImageId.1, ResourceId.1), filters as
/// <c>Filter.N.Name</c> / <c>Filter.N.Value.M</c>, tags as <c>Tag.N.Key</c> / <c>Tag.N.Value</c>, and
/// MaxResults / NextToken paging. Bad values raise InvalidParameterValue as EC2 does.
/// </summary>
internal sealed class Ec2Request
{
    private readonly QueryRequest query;

    public Ec2Request(QueryRequest query, FakeEc2Account account, string region)
    {
        this.query = query;
        Account = account;
        Region = region;
    }

    public string Action => query.Action!;

    public FakeEc2Account Account { get; }

    public string Region { get; }

    public string? Get(string name) => query.Get(name);

    /// <summary><c>Name.1</c>, <c>Name.2</c> ... in index order.</summary>
    public IReadOnlyList<string> List(string name) => Indexed(name + ".").Select(p => p.Value).ToList();

    public IReadOnlyList<Ec2Filter> Filters()
    {
        var filters = new List<Ec2Filter>();
        foreach (var index in Indexes("Filter."))
        {
            var prefix = $"Filter.{index}.";
            var name = query.Get(prefix + "Name") ?? throw Ec2Exception.InvalidParameterValue($"The filter {index} has no Name.");
            var values = Indexed(prefix + "Value.").Select(p => p.Value).ToList();
            filters.Add(new Ec2Filter(name, values));
        }

        return filters;
    }

    /// <summary>Tag.N.Key / Tag.N.Value; a missing value is null (DeleteTags tells "any value" from "empty").</summary>
    public IReadOnlyList<(string Key, string? Value)> Tags() =>
        Indexes("Tag.").Select(i => (query.Get($"Tag.{i}.Key") ?? throw Ec2Exception.InvalidParameterValue($"Tag {i} has no Key."), query.Get($"Tag.{i}.Value"))).ToList();

    public bool Bool(string name)
    {
        var value = query.Get(name);
        return value is null ? false : bool.TryParse(value, out var result) ? result
            : throw Ec2Exception.InvalidParameterValue($"Invalid value '{value}' for {name}: a boolean is expected.");
    }

    public int? Int(string name)
    {
        var value = query.Get(name);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw Ec2Exception.InvalidParameterValue($"Invalid value '{value}' for {name}: an integer is expected.");
    }

    /// <summary>
    /// One page of <paramref name="items"/>. Without MaxResults EC2 answers everything at once. With it:
    /// <paramref name="strictRange"/> (DescribeInstances, DescribeTags: "between 5 and 1000") refuses values outside
    /// 5..1000; otherwise values below 5 are refused and above 1000 give 1000.
    /// </summary>
    public List<T> Page<T>(IReadOnlyList<T> items, bool strictRange, out string? nextToken)
    {
        var maxResults = Int("MaxResults");
        if (maxResults is { } max)
        {
            if (max < 5 || (strictRange && max > 1000))
            {
                throw Ec2Exception.InvalidParameterValue($"Value ( {max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
            }
        }

        var token = query.Get("NextToken");
        if (token is not null && maxResults is null)
        {
            maxResults = 1000; // a token continues a paged listing at the default page size
        }

        var offset = token is null ? 0 : Decode(token);
        var size = maxResults is null ? items.Count : Math.Min(maxResults.Value, 1000);
        var page = items.Skip(offset).Take(size).ToList();
        var next = offset + page.Count;
        nextToken = next < items.Count ? Encode(next) : null;
        return page;
    }

    private string Encode(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Action}/{Region}/{offset.ToString(CultureInfo.InvariantCulture)}"));

    private int Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('/');
            if (parts.Length == 3 && parts[0] == Action && parts[1] == Region
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw Ec2Exception.InvalidParameterValue($"Invalid value '{token}' for nextToken.");
    }

    private IEnumerable<int> Indexes(string prefix) =>
        query.Parameters.Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('.')[0])
            .Select(i => int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Distinct()
            .Order();

    private IEnumerable<KeyValuePair<string, string>> Indexed(string prefix) =>
        query.Parameters
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(p.Key[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(p => int.Parse(p.Key[prefix.Length..], CultureInfo.InvariantCulture));
}
