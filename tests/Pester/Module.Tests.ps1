BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
}

Describe 'Module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $ManifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'lists every command explicitly, without wildcards' {
        $manifest = Import-PowerShellDataFile $ManifestPath
        $manifest.CmdletsToExport | Should -Not -BeNullOrEmpty
        foreach ($kind in 'CmdletsToExport', 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            $manifest.ContainsKey($kind) | Should -BeTrue -Because "$kind must be explicit"
            $manifest[$kind] | Where-Object { [WildcardPattern]::ContainsWildcardCharacters($_) } | Should -BeNullOrEmpty -Because "$kind must not use wildcards"
        }
        $manifest.VariablesToExport | Should -BeNullOrEmpty
        $manifest.AliasesToExport | Should -BeNullOrEmpty
        (Get-Module MarketplaceGuard).ExportedFunctions.Keys | Should -Be @($manifest.FunctionsToExport)
    }

    It 'exports exactly the cmdlets the manifest lists, and the assembly defines no others' {
        $manifest = Import-PowerShellDataFile $ManifestPath
        $exported = (Get-Module MarketplaceGuard).ExportedCmdlets.Keys
        $exported | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)

        $assembly = (Get-Command Get-MarketplacePolicyTemplate).ImplementingType.Assembly
        $defined = $assembly.GetExportedTypes() |
            Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        $defined | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has the version of the build' {
        $props = [xml](Get-Content (Join-Path $RepoRoot 'Directory.Build.props') -Raw)
        $buildVersion = @($props.Project.PropertyGroup.ModuleVersion | Where-Object { $_ })[0]
        (Get-Module MarketplaceGuard).Version.ToString() | Should -Be $buildVersion
    }

    It 'loads the engine into its private load context, not the default one' {
        $engine = (Get-MarketplacePolicyTemplate -Name Procurement).GetType().Assembly
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name | Should -Be 'MarketplaceGuard'
        $cmdlets = (Get-Command Get-MarketplacePolicyTemplate).ImplementingType.Assembly
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($cmdlets).Name | Should -Be 'Default'
    }

    It 'can be removed and imported again in the same session' {
        Remove-Module MarketplaceGuard
        Import-Module $ManifestPath -Force
        (Get-MarketplacePolicyTemplate).Count | Should -Be 8
    }
}

Describe 'Error ids and cmdlet signatures' {
    BeforeAll {
        $assembly = (Get-Command Get-MarketplacePolicyTemplate).ImplementingType.Assembly
        $ids = $assembly.GetType('MarketplaceGuard.Cmdlets.Errors.ErrorIds').GetFields() | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        $about = Get-Content (Join-Path $RepoRoot 'docs/about_MarketplaceGuard.md') -Raw
        $documented = [regex]::Matches(($about -split '## ERRORS')[1], '(?m)^\| ([A-Za-z0-9`<>]+) \|') | ForEach-Object { $_.Groups[1].Value } | Where-Object { $_ -ne 'Id' }
    }

    It 'documents every error id in about_MarketplaceGuard, and no other' {
        $expected = $ids | ForEach-Object { if ($_ -in 'Iam', 'Ec2', 'Organizations') { $_ + '`<Code>`' } else { $_ } }
        $documented | Sort-Object | Should -Be ($expected | Sort-Object)
    }

    It 'builds every ErrorRecord from the catalogue, never from a literal or a class name' {
        $sources = Get-ChildItem (Join-Path $RepoRoot 'src/MarketplaceGuard.Cmdlets') -Recurse -Filter *.cs | Where-Object { $_.Directory.Name -ne 'Errors' }
        $offenders = foreach ($file in $sources) {
            $text = Get-Content $file.FullName -Raw
            # the id comes between the exception and the category
            foreach ($match in [regex]::Matches($text, 'new ErrorRecord\((?<args>.*?)ErrorCategory\.', 'Singleline')) {
                if ($match.Groups['args'].Value -notmatch 'ErrorIds\.') { "$($file.Name): $($match.Value)" }
            }
            if ($text -match 'GetType\(\)\.Name') { "$($file.Name): an id or message built from a class name" }
        }
        $offenders | Should -BeNullOrEmpty
    }

    It 'uses only framework types in cmdlet parameters (the engine loads in a private context)' {
        $commands = Get-Command -Module MarketplaceGuard -CommandType Cmdlet
        $leaks = foreach ($command in $commands) {
            foreach ($parameter in $command.Parameters.Values) {
                $type = $parameter.ParameterType
                while ($type.HasElementType) { $type = $type.GetElementType() }
                $assemblyName = $type.Assembly.GetName().Name
                if ($assemblyName -notmatch '^(System\.|mscorlib$|netstandard$|System$)') { "$($command.Name) -$($parameter.Name): $($type.FullName) from $assemblyName" }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }
}

Describe 'Repository hygiene' {
    It 'has no merge-conflict marker in any source, doc or test file' {
        $files = git -C $RepoRoot ls-files -- '*.cs' '*.md' '*.ps1' '*.psm1' '*.psd1' '*.ps1xml' '*.json' '*.csproj' '*.props'
        $marked = foreach ($file in $files) {
            $lines = Get-Content -LiteralPath (Join-Path $RepoRoot $file)
            if ($lines | Where-Object { $_ -match '^(<{7}|>{7}) ' -or $_ -eq ('=' * 7) }) { $file }
        }
        $marked | Should -BeNullOrEmpty
    }
}
