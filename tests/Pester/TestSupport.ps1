# Shared by the Pester test files: dot-source it in BeforeAll.
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:ManifestPath = Join-Path $script:RepoRoot 'MarketplaceGuard.psd1'
$script:TestToolsPath = Join-Path $script:RepoRoot 'artifacts/test-tools'

function Invoke-ChildPwsh {
    <# Runs a script in a fresh pwsh process (same PowerShell as the tests) and returns its output lines. #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [switch] $AllowFailure
    )
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
    $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    if (-not $AllowFailure -and $LASTEXITCODE -ne 0) {
        throw "Child pwsh exited with $LASTEXITCODE`n$($output -join "`n")"
    }
    $output | ForEach-Object { "$_" }
}
