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
        (Get-MarketplacePolicyTemplate).Count | Should -Be 3
    }
}
