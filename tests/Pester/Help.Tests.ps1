BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $manifest = Import-PowerShellDataFile $ManifestPath
    $cmdlets = @($manifest.CmdletsToExport) + @($manifest.FunctionsToExport) | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name
        # -WhatIf and -Confirm are documented like the cmdlet's own parameters; the other common ones are not.
        $parameters = $command.Parameters.Values | Where-Object Name -NotIn ([System.Management.Automation.Cmdlet]::CommonParameters)
    }

    It 'comes from the compiled MAML file, not from generated stubs' {
        $help.Synopsis | Should -Not -Match '^\s*\r?\n?\s*Get-\w+ \[' -Because 'a synopsis that is only the syntax means no help file was found'
        $help.ModuleName | Should -Be 'MarketplaceGuard'
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Be $Name
    }

    It 'has a description' {
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and its output' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        foreach ($parameter in $parameters) {
            $documented = $help.Parameters.Parameter | Where-Object Name -EQ $parameter.Name
            $documented | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) must be documented"
            ($documented.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
    }

    It 'documents no parameter the cmdlet does not have' {
        foreach ($documented in $help.Parameters.Parameter) {
            $documented.Name | Should -BeIn $parameters.Name
        }
    }
}

Describe 'About topics' {
    It 'about_MarketplaceGuard is available' {
        $topic = Get-Help about_MarketplaceGuard
        ($topic | Out-String) | Should -Match 'procurement'
    }
}
