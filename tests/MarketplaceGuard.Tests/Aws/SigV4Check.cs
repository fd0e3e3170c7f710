using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MarketplaceGuard.Tests.Aws;

/// <summary>
/// An independent SigV4 computation (AWS's documented algorithm, written out here) over a request as it went on the
/// wire: if the signer signed other headers, another host or another body, AWS would answer SignatureDoesNotMatch and
/// the check fails.
/// </summary>
internal static class SigV4Check
{
    /// <param name="headers">Every header sent, names lower-cased, Host included.</param>
    /// <returns>The signed header names.</returns>
    public static string[] AssertSigned(IReadOnlyDictionary<string, string> headers, byte[] body, string accessKey, string secretKey, string region, string service)
    {
        var authorization = headers["authorization"];
        var match = Regex.Match(
            authorization,
            $"^AWS4-HMAC-SHA256 Credential={accessKey}/(?<date>\\d{{8}})/{region}/{service}/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{{64}})$");
        Assert.True(match.Success, authorization);
        var signed = match.Groups["signed"].Value.Split(';');
        Assert.Contains("host", signed);
        Assert.Contains("x-amz-date", signed);

        var canonicalHeaders = string.Concat(signed.Select(name => $"{name}:{headers[name].Trim()}\n"));
        var canonicalRequest = $"POST\n/\n\n{canonicalHeaders}\n{string.Join(';', signed)}\n{Hex(SHA256.HashData(body))}";
        var amzDate = headers["x-amz-date"];
        Assert.StartsWith(match.Groups["date"].Value, amzDate, StringComparison.Ordinal);
        var scope = $"{match.Groups["date"].Value}/{region}/{service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { match.Groups["date"].Value, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        Assert.Equal(Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))), match.Groups["signature"].Value);
        return signed;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
