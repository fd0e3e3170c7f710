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

    It '<Topic> fits an 80-column console and prints no markdown table' -ForEach @(
        @{ Topic = 'about_MarketplaceGuard' }
        @{ Topic = 'about_MarketplaceGuardAudit' }
        @{ Topic = 'about_MarketplaceGuardPaidAmis' }
        @{ Topic = 'about_MarketplaceGuardOrganizations' }
        @{ Topic = 'about_MarketplaceGuardDistribution' }
        @{ Topic = 'about_MarketplaceGuardProcurement' }
    ) {
        $lines = (Get-Help $Topic | Out-String) -split '\r?\n'
        $lines | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^\s*\|.*\|\s*$' } | Should -BeNullOrEmpty
    }

    It 'about_MarketplaceGuardAudit shows the rule table aligned: one row per rule of the audit, columns under their headers' {
        $lines = (Get-Help about_MarketplaceGuardAudit | Out-String) -split '\r?\n'
        $header = [array]::IndexOf($lines, ($lines | Where-Object { $_ -match '^Rule\s+Severity\s+Finding$' } | Select-Object -First 1))
        $header | Should -BeGreaterThan 0
        $lines[$header + 1] | Should -Match '^-{4}\s+-{8}\s+-{7}$'
        $severityColumn = $lines[$header].IndexOf('Severity')
        $findingColumn = $lines[$header].IndexOf('Finding')
        foreach ($rule in [MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All) {
            $row = [array]::IndexOf($lines, ($lines | Where-Object { $_.StartsWith($rule.Id + ' ') } | Select-Object -First 1))
            $row | Should -BeGreaterThan $header -Because "$($rule.Id) needs a row"
            $lines[$row].Substring($severityColumn).Split(' ')[0] | Should -Be "$($rule.DefaultSeverity)"
            # The finding may wrap: its continuation lines are blank up to the Finding column.
            $finding = $lines[$row].Substring($findingColumn)
            for ($next = $row + 1; $lines[$next] -match "^ {$findingColumn}\S"; $next++) { $finding += ' ' + $lines[$next].Substring($findingColumn) }
            $finding | Should -Be $rule.Title
        }
    }

    It 'about_MarketplaceGuard lists every command of the module and the audit and organization topics under SEE ALSO' {
        $text = Get-Help about_MarketplaceGuard | Out-String
        $seeAlso = @(($text -split 'SEE ALSO')[-1] -split '\r?\n' | ForEach-Object Trim | Where-Object { $_ })
        $commands = (Get-Command -Module MarketplaceGuard).Name
        $seeAlso | Sort-Object | Should -Be (@($commands) + 'about_MarketplaceGuardAudit', 'about_MarketplaceGuardOrganizations' | Sort-Object)
    }

    It 'about_MarketplaceGuard says what Export-MarketplaceAuthorizationSnapshot does in a sentence' {
        $text = (Get-Help about_MarketplaceGuard | Out-String) -replace '\s+', ' '
        $text | Should -Match 'Export-MarketplaceAuthorizationSnapshot writes the account to a file'
        ($text -split 'SEE ALSO')[0] | Should -Not -Match 'Grant-MarketplaceProcurement Revoke-MarketplaceAccess'
    }
}

Describe 'Examples show no build-machine paths' {
    BeforeAll {
        # Paths of a build or developer machine: the checkout, temp and home folders (Linux, macOS, Windows).
        $script:MachinePath = '(?<![\w.])(/work/|/tmp/|/home/|/Users/|/root/|/var/folders/|/private/var/|[A-Za-z]:\\Users\\|[A-Za-z]:\\Windows\\Temp|\\AppData\\)'
        function Find-MachinePath([string] $Source, [string] $Text) {
            foreach ($line in $Text -split '\r?\n') {
                if ($line -match $MachinePath -or $line.Contains($RepoRoot)) { "${Source}: $($line.Trim())" }
            }
        }
    }

    It 'the pattern finds the paths it is meant to find' {
        Find-MachinePath 'x' 'target "/home/admin/audit.html"' | Should -Not -BeNullOrEmpty
        Find-MachinePath 'x' 'Location : /work/main/examples/sample-account.json:20' | Should -Not -BeNullOrEmpty
        Find-MachinePath 'x' 'Directory: C:\Users\admin\Documents' | Should -Not -BeNullOrEmpty
        Find-MachinePath 'x' 'Get-Content ./policies/deny.json -Raw; arn:aws:iam::aws:policy/job-function/Billing' | Should -BeNullOrEmpty
    }

    It 'in the examples of any command''s help' {
        $found = foreach ($command in Get-Command -Module MarketplaceGuard) {
            foreach ($example in (Get-Help $command.Name -Full).Examples.Example) {
                Find-MachinePath "$($command.Name) $($example.Title.Trim(' -'))" (($example.Code, ($example.Remarks.Text -join "`n")) -join "`n")
            }
        }
        $found | Should -BeNullOrEmpty
    }

    It 'in any about topic' {
        $found = foreach ($topic in 'about_MarketplaceGuard', 'about_MarketplaceGuardAudit') {
            Find-MachinePath $topic (Get-Help $topic | Out-String)
        }
        $found | Should -BeNullOrEmpty
    }

    It 'in the sources of the help and of the shipped scripts (docs/, module/)' {
        $found = foreach ($file in Get-ChildItem (Join-Path $RepoRoot 'docs'), (Join-Path $RepoRoot 'module') -File -Recurse) {
            Find-MachinePath $file.Name (Get-Content -LiteralPath $file.FullName -Raw)
        }
        $found | Should -BeNullOrEmpty
    }
}

Describe 'Help about secrets and scripts' {
    It 'does not promise that a secret typed on the command line appears nowhere, and says what to use instead' {
        $topic = (Get-Help about_MarketplaceGuard | Out-String)
        $topic | Should -Not -BeLike '*never appears in any output, log or error*'
        $topic | Should -BeLike '*keeps in its history*'
        (Get-Help Grant-MarketplaceProcurement -Parameter SecretKey | Out-String) | Should -BeLike '*Prefer a profile*'
        (Get-Help Grant-MarketplaceProcurement -Full | Out-String) | Should -BeLike '*-ErrorAction Stop*exit 1*'
    }
}

