using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;

namespace MarketplaceGuard.FakeIam.Tests;

/// <summary>The console contract a Pester test relies on: first line, serving, and stopping on stdin EOF or SIGTERM.</summary>
public sealed class ConsoleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ItPrintsTheUrlFirstServesTheSnapshotAndStopsWhenStdinCloses()
    {
        using var process = Start($"--account \"{TestData.SampleAccountPath}\"");
        var url = await ReadUrlAsync(process);

        var reply = await GetUserAsync(url, "pat");
        process.StandardInput.Close();

        Assert.Contains("<UserName>pat</UserName>", reply);
        Assert.True(process.WaitForExit(Patience), "The server did not stop when stdin closed.");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task ItStopsOnSigterm()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var process = Start("--ignore-stdin");
        var url = await ReadUrlAsync(process);
        await GetCallerIdentityAsync(url);

        using (var kill = Process.Start("kill", $"-TERM {process.Id}"))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(Patience), "The server did not stop on SIGTERM.");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task ThrottleFractionOneThrottlesEveryRequest()
    {
        using var process = Start("--throttle-fraction 1 --seed 3 --port 0");
        var url = await ReadUrlAsync(process);

        var reply = await GetUserAsync(url, "pat");
        process.StandardInput.Close();

        Assert.Contains("<Code>Throttling</Code>", reply);
        Assert.True(process.WaitForExit(Patience));
    }

    [Fact]
    public void WrongArgumentsExitWithTwo()
    {
        using var process = Start("--bogus");

        Assert.True(process.WaitForExit(Patience));
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage:", process.StandardError.ReadToEnd());
    }

    [Fact]
    public void AnUnreadableSnapshotExitsWithOne()
    {
        using var process = Start("--account does-not-exist.json");

        Assert.True(process.WaitForExit(Patience));
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("does-not-exist.json", process.StandardError.ReadToEnd());
    }

    [Fact]
    public async Task ItServesAnOrganizationFolderAsTheManagementAccountOrTheCallerAccount()
    {
        var folder = WriteOrganizationFolder();
        try
        {
            using var management = Start($"--organization \"{folder}\" --org-empty-pages --latency-ms 50");
            using var member = Start($"--organization \"{folder}\" --caller-account 222222222222 --delegated-admin 222222222222");
            using var unused = Start($"--organization \"{folder}\" --organizations-not-in-use");
            var managementUrl = await ReadUrlAsync(management);
            var memberUrl = await ReadUrlAsync(member);
            var unusedUrl = await ReadUrlAsync(unused);

            var firstPage = await OrganizationsAsync(managementUrl, "ListAccounts");
            var delegatedList = await OrganizationsAsync(memberUrl, "ListAccounts");
            var memberUser = await GetUserAsync(memberUrl, "pat");
            var notInUse = await OrganizationsAsync(unusedUrl, "DescribeOrganization");
            management.StandardInput.Close();
            member.StandardInput.Close();
            unused.StandardInput.Close();

            Assert.StartsWith("""{"Accounts":[],"NextToken":""", firstPage, StringComparison.Ordinal);
            Assert.Contains("333333333333", delegatedList, StringComparison.Ordinal);
            Assert.Contains("arn:aws:iam::222222222222:user/pat", memberUser, StringComparison.Ordinal);
            Assert.Contains("AWSOrganizationsNotInUseException", notInUse, StringComparison.Ordinal);
            Assert.True(management.WaitForExit(Patience) && member.WaitForExit(Patience) && unused.WaitForExit(Patience));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnUnreadableOrganizationFolderExitsWithOneAndWrongCombinationsWithTwo()
    {
        using var missing = Start("--organization does-not-exist");
        using var both = Start("--organization x --account y");
        using var callerAlone = Start("--caller-account 222222222222");

        Assert.True(missing.WaitForExit(Patience) && both.WaitForExit(Patience) && callerAlone.WaitForExit(Patience));
        Assert.Equal((1, 2, 2), (missing.ExitCode, both.ExitCode, callerAlone.ExitCode));
        Assert.Contains("does-not-exist", missing.StandardError.ReadToEnd(), StringComparison.Ordinal);
    }

    private static string WriteOrganizationFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fake-org-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "accounts"));
        File.WriteAllText(Path.Combine(folder, "organization.json"), OrganizationFolderTests.Sample());
        File.Copy(TestData.SampleAccountPath, Path.Combine(folder, "accounts", "222222222222.json"));
        return folder;
    }

    private static async Task<string> OrganizationsAsync(Uri url, string operation)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Patience };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AWSOrganizationsV20161128." + operation);
        request.Headers.TryAddWithoutValidation("Authorization", IamTestClient.Authorization);
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static Process Start(string arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MarketplaceGuard.FakeIam.dll");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(dotnet, $"\"{dll}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(info)!;
    }

    private static async Task<Uri> ReadUrlAsync(Process process)
    {
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        Assert.NotNull(line);
        Assert.Matches(@"^listening http://127\.0\.0\.1:\d+/$", line);
        return new Uri(line!["listening ".Length..]);
    }

    private static async Task<string> GetUserAsync(Uri url, string userName)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Patience };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/?Action=GetUser&Version=2010-05-08&UserName={userName}");
        request.Headers.TryAddWithoutValidation("Authorization", IamTestClient.Authorization);
        using var response = await http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task GetCallerIdentityAsync(Uri url)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = Patience };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?Action=GetCallerIdentity&Version=2011-06-15");
        request.Headers.TryAddWithoutValidation("Authorization", IamTestClient.Authorization);
        using var response = await http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }
}
