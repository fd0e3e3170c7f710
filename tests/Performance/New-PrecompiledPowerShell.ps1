<#
.SYNOPSIS
    Makes a copy of the running PowerShell whose own assemblies are precompiled (ReadyToRun), as PowerShell's released
    packages ship them, for measuring cold audits the way users run them.

.DESCRIPTION
    Not part of the test suite. The repository's PowerShell is the `dotnet pwsh` tool from NuGet: a framework-dependent
    package whose assemblies (System.Management.Automation, the command modules, pwsh itself) are IL only, so every
    fresh process compiles PowerShell's own code as it runs. PowerShell's released packages (deb, rpm, tar.gz, MSI) are
    precompiled for their platform. A cold audit measured with the tool therefore includes JIT work that an installed
    PowerShell does not do: Import-Module alone took 150 to 250 ms with the tool against about 80 ms precompiled.

    This script copies $PSHOME to -Path and compiles each IL-only assembly there with the ReadyToRun compiler that the
    module's own build restores (the NuGet package microsoft.netcore.app.crossgen2.<runtime identifier>, of the running
    runtime's version): build the module first (dotnet build -c Release). An assembly the compiler refuses stays IL and
    is listed. Then measure with that copy:

        dotnet <Path>/pwsh.dll -NoProfile -File tests/Performance/Measure-Audit.ps1 -Scale 1 -BaselinePath ''

    Measure-Audit starts its child processes with the pwsh.dll of the PowerShell that runs it, so every figure, the cold
    ones included, is then the precompiled PowerShell's.

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Performance/New-PrecompiledPowerShell.ps1 -Path /tmp/pwsh-precompiled
#>
[CmdletBinding()]
param(
    # Where the precompiled copy goes: a new folder, or one this script made before (-Force replaces it).
    [Parameter(Mandatory)]
    [ValidateNotNullOrEmpty()]
    [string] $Path,

    [switch] $Force
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
$source = $PSHOME.TrimEnd([IO.Path]::DirectorySeparatorChar)
if ($target.TrimEnd([IO.Path]::DirectorySeparatorChar) -eq $source) {
    throw "-Path is the running PowerShell's own folder ($source): give a new folder for the copy."
}

$marker = Join-Path $target '.precompiled-powershell'
if (Test-Path -LiteralPath $target) {
    if (-not $Force) {
        throw "-Path '$target' exists: give a new folder, or -Force to replace a copy this script made."
    }

    if (-not (Test-Path -LiteralPath $marker)) {
        throw "-Path '$target' exists and was not made by this script (no $([IO.Path]::GetFileName($marker)) in it): it is left alone."
    }

    Remove-Item -LiteralPath $target -Recurse -Force
}

$runtimeVersion = [Environment]::Version.ToString()
$rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$compilerFolder = Join-Path $packages "microsoft.netcore.app.crossgen2.$rid/$runtimeVersion/tools"
$compiler = @('crossgen2', 'crossgen2.exe') | ForEach-Object { Join-Path $compilerFolder $_ } | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf } | Select-Object -First 1
if (-not $compiler) {
    throw "No ReadyToRun compiler for .NET $runtimeVersion ($rid) in ${compilerFolder}: build the module first (dotnet build -c Release restores it), with the SDK of this runtime."
}

$framework = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
$os = if ($IsWindows) { 'windows' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
$arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()

Write-Host "Copying $source to $target"
Copy-Item -LiteralPath $source -Destination $target -Recurse
New-Item -ItemType File -Path $marker | Out-Null

function Test-ReadyToRun([string] $File) {
    $stream = [IO.File]::OpenRead($File)
    try {
        $reader = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        try {
            $corHeader = $reader.PEHeaders.CorHeader
            if ($null -eq $corHeader) { return $null } # not a .NET assembly
            return $corHeader.ManagedNativeHeaderDirectory.Size -gt 0
        }
        finally { $reader.Dispose() }
    }
    catch [BadImageFormatException] { return $null }
    finally { $stream.Dispose() }
}

$work = Join-Path $target '.readytorun'
New-Item -ItemType Directory -Path $work | Out-Null
$compiled = 0
$refused = [Collections.Generic.List[string]]::new()
$assemblies = @(Get-ChildItem -LiteralPath $target -Filter *.dll -File)
foreach ($assembly in $assemblies) {
    if ((Test-ReadyToRun $assembly.FullName) -ne $false) {
        continue # native, or precompiled already
    }

    # The original is compiled, among its own folder's assemblies as references (a copy beside them would be a second
    # input of the same name), into the copy's place. The arguments go in a response file: PowerShell on Unix would
    # expand the references' wildcards into file names, which the compiler would take for more inputs.
    $output = Join-Path $work $assembly.Name
    $arguments = Join-Path $work 'crossgen2.rsp'
    Set-Content -LiteralPath $arguments -Value @(
        (Join-Path $source $assembly.Name), '-o', $output,
        '-r', (Join-Path $framework '*.dll'), '-r', (Join-Path $source '*.dll'),
        '--targetos', $os, '--targetarch', $arch, '-O')
    $log = & $compiler "@$arguments" 2>&1
    if ($LASTEXITCODE -eq 0 -and (Test-Path -LiteralPath $output)) {
        Move-Item -LiteralPath $output -Destination $assembly.FullName -Force
        $compiled++
    }
    else {
        $refused.Add("$($assembly.Name): $(@($log | Select-Object -Last 1) -join '')")
    }
}

Remove-Item -LiteralPath $work -Recurse -Force
Write-Host "Precompiled $compiled of $($assemblies.Count) assemblies for $os-$arch with $compiler."
foreach ($line in $refused) {
    Write-Warning "Left as IL: $line"
}

Write-Host "Measure with: dotnet $(Join-Path $target 'pwsh.dll') -NoProfile -File tests/Performance/Measure-Audit.ps1 -Scale 1 -BaselinePath ''"
