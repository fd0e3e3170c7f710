using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam;

/// <summary>One HTTP/1.1 request as read off the socket.</summary>
internal sealed class RawHttpRequest
{
    public RawHttpRequest(string method, string target, Dictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
        var query = target.IndexOf('?', StringComparison.Ordinal);
        Path = query < 0 ? target : target[..query];
        QueryString = query < 0 ? string.Empty : target[(query + 1)..];
    }

    public string Method { get; }

    public string Target { get; }

    public string Path { get; }

    public string QueryString { get; }

    /// <summary>Header names are case-insensitive; repeated headers are joined with ", ".</summary>
    public Dictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public bool WantsClose => string.Equals(Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A malformed HTTP request: the connection answers 400 and closes.</summary>
internal sealed class HttpFormatException : Exception
{
    public HttpFormatException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Reads HTTP/1.1 requests from a connection: request line, headers, and a body by Content-Length or chunked
/// transfer coding; answers "Expect: 100-continue". Returns null when the client closes the connection between requests.
/// </summary>
internal sealed class Http11Reader
{
    private const int MaxLineLength = 16 * 1024;
    private const int MaxBodyLength = 16 * 1024 * 1024;
    private readonly Stream stream;
    private readonly byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;

    public Http11Reader(Stream stream)
    {
        this.stream = stream;
    }

    public async Task<RawHttpRequest?> ReadRequestAsync(CancellationToken cancel)
    {
        var requestLine = await ReadLineAsync(cancel);
        while (requestLine == string.Empty)
        {
            requestLine = await ReadLineAsync(cancel); // tolerate blank lines between requests (RFC 9112 2.2)
        }

        if (requestLine is null)
        {
            return null;
        }

        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new HttpFormatException("Bad request line.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var line = await ReadLineAsync(cancel) ?? throw new HttpFormatException("The connection closed inside the headers.");
            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new HttpFormatException("Bad header line.");
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var previous) ? previous + ", " + value : value;
        }

        if (headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n"), cancel);
        }

        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedBodyAsync(cancel);
        }
        else if (headers.TryGetValue("Content-Length", out var lengthText))
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyLength)
            {
                throw new HttpFormatException("Bad Content-Length.");
            }

            body = await ReadBytesAsync(length, cancel);
        }
        else
        {
            body = Array.Empty<byte>();
        }

        return new RawHttpRequest(parts[0], parts[1], headers, body);
    }

    private async Task<byte[]> ReadChunkedBodyAsync(CancellationToken cancel)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancel) ?? throw new HttpFormatException("The connection closed inside a chunked body.");
            var sizeText = sizeLine.Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || body.Length + size > MaxBodyLength)
            {
                throw new HttpFormatException("Bad chunk size.");
            }

            if (size == 0)
            {
                while (!string.IsNullOrEmpty(await ReadLineAsync(cancel)))
                {
                    // trailer fields are ignored
                }

                return body.ToArray();
            }

            body.Write(await ReadBytesAsync(size, cancel));
            if (await ReadLineAsync(cancel) != string.Empty)
            {
                throw new HttpFormatException("A chunk does not end with CRLF.");
            }
        }
    }

    /// <summary>A line without its CRLF (or LF); null at end of stream before any byte of the line.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancel)
    {
        var line = new List<byte>();
        while (true)
        {
            if (start == end && !await FillAsync(cancel))
            {
                return line.Count == 0 ? null : throw new HttpFormatException("The connection closed inside a line.");
            }

            var b = buffer[start++];
            if (b == (byte)'\n')
            {
                if (line.Count > 0 && line[^1] == (byte)'\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.Latin1.GetString(line.ToArray());
            }

            line.Add(b);
            if (line.Count > MaxLineLength)
            {
                throw new HttpFormatException("Line too long.");
            }
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancel)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (start == end && !await FillAsync(cancel))
            {
                throw new HttpFormatException("The connection closed inside the body.");
            }

            var n = Math.Min(count - copied, end - start);
            Array.Copy(buffer, start, result, copied, n);
            start += n;
            copied += n;
        }

        return result;
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        start = 0;
        end = await stream.ReadAsync(buffer, cancel);
        return end > 0;
    }
}

/// <summary>Writes HTTP/1.1 responses, whole, truncated, or cut off inside the status line (a dropped connection).</summary>
internal static class Http11Writer
{
    public static byte[] Response(int status, string contentType, byte[] body, string requestId, bool close)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"x-amzn-RequestId: {requestId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {DateTimeOffset.UtcNow:R}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append(close ? "Connection: close\r\n" : string.Empty)
            .Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message, headBytes.Length);
        return message;
    }

    /// <summary>The first bytes of a reply, after which the server closes the connection.</summary>
    public static byte[] CutOffResponse(int status) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status.ToString(CultureInfo.InvariantCulture)} {ReasonPhrase(status)}\r\nContent-Ty");

    private static string ReasonPhrase(int status) => status switch
    {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
