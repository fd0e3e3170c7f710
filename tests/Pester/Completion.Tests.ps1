BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'

    function Get-Completion([string] $Line) {
        <# What Tab offers at the end of $Line, as the console would ask for it. #>
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }
}

Describe 'Tab completion of -Tag (rule ids)' {
    It 'offers every rule id of the audit, with its title' {
        $offered = Get-Completion 'Invoke-MarketplaceAudit -Tag '
        $rules = @([MarketplaceGuard.Cmdlets.Audit.AuditRuleList]::All)
        $offered.CompletionText | Should -Be $rules.Id
        $offered[0].ToolTip | Should -Be $rules[0].Title
    }

    It 'narrows to what was typed, in any case' {
        (Get-Completion 'Invoke-MarketplaceAudit -Tag mg1003').CompletionText | Should -Be 'MG1003'
    }
}

Describe 'Tab completion of -Region' {
    It 'offers the region codes that start with what was typed, named in the tooltip' {
        $offered = Get-Completion 'Test-MarketplaceLeastPrivilege -Region eu-west-'
        $offered.CompletionText | Should -Be 'eu-west-1', 'eu-west-2', 'eu-west-3'
        $offered[0].ToolTip | Should -Be 'Europe (Ireland) (aws)'
    }

    It 'knows the other partitions, and offers no pseudo-region' {
        (Get-Completion 'Export-MarketplaceAuthorizationSnapshot -Region cn-').CompletionText | Should -Be 'cn-north-1', 'cn-northwest-1'
        (Get-Completion 'Grant-MarketplaceProcurement -Region us-gov-').CompletionText | Should -Be 'us-gov-east-1', 'us-gov-west-1'
        (Get-Completion 'Get-MarketplaceAccess -Region us-east-1').CompletionText | Should -Be 'us-east-1'
    }
}

Describe 'Tab completion of -ProfileName' {
    BeforeAll {
        $script:Credentials = Join-Path $TestDrive 'credentials'
        @'
[audit]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
[ci deploy]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
'@ | Set-Content $Credentials
        @'
[profile assume-audit]
role_arn = arn:aws:iam::111122223333:role/Audit
source_profile = audit
'@ | Set-Content (Join-Path $TestDrive 'config')
    }

    It 'offers the profiles of the -ProfileLocation file and the config file beside it, quoting names with spaces' {
        $offered = Get-Completion "Test-MarketplaceLeastPrivilege -ProfileLocation '$Credentials' -ProfileName "
        $offered.CompletionText | Sort-Object | Should -Be "'ci deploy'", 'assume-audit', 'audit'
    }

    It 'resolves a relative -ProfileLocation against the current PowerShell location' {
        Push-Location $TestDrive
        try {
            (Get-Completion 'Get-MarketplaceAccess -ProfileLocation ./credentials -ProfileName au').CompletionText | Sort-Object | Should -Be 'audit'
        }
        finally { Pop-Location }
    }

    It 'reads AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE' {
        # The AWS SDK reads the variables once per process, so a fresh pwsh shows it as a user's session would.
        $output = Invoke-ChildPwsh -Script @"
`$env:AWS_SHARED_CREDENTIALS_FILE = '$Credentials'
`$env:AWS_CONFIG_FILE = '$(Join-Path $TestDrive 'config')'
Import-Module '$ManifestPath'
`$line = 'Export-MarketplaceAuthorizationSnapshot -Path ./a.json -ProfileName '
'profiles=' + (((TabExpansion2 -inputScript `$line -cursorColumn `$line.Length).CompletionMatches.CompletionText | Sort-Object) -join ',')
"@
        $output | Should -Contain "profiles='ci deploy',assume-audit,audit"
    }

    It 'offers nothing, without an error, when the file is not a credentials file' {
        $bad = Join-Path $TestDrive 'not-credentials'
        [byte[]] (0..255) | Set-Content $bad -AsByteStream
        $Error.Clear()
        Get-Completion "Test-MarketplaceLeastPrivilege -ProfileLocation '$bad' -ProfileName " | Should -BeNullOrEmpty
        $Error | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion of principals from the snapshot' {
    It 'offers the users, groups and roles of the -AuthorizationDetailsPath snapshot, with their kind as tooltip' {
        $offered = Get-Completion "Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal P"
        $offered.CompletionText | Should -Be 'pat', 'priya', 'Procurement'
        $offered.ToolTip | Should -Be 'user/pat', 'user/priya', 'group/Procurement'
    }

    It 'completes -ViewerPrincipal, -Principal and Invoke-MarketplaceAudit, with the parameter''s aliases too' {
        (Get-Completion "Test-MarketplaceLeastPrivilege -Path '$Sample' -ProcurementPrincipal Procurement -ViewerPrincipal Billi").CompletionText | Should -Be 'Billing'
        (Get-Completion "Get-MarketplaceAccess -SnapshotPath '$Sample' -Principal Dev").CompletionText | Should -Be 'Developers'
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$Sample' Marketplace").CompletionText | Should -Be 'MarketplaceBuyer'
        (Get-Completion "Invoke-MarketplaceAudit -AuthorizationDetailsPath '$Sample' -ProcurementPrincipal Procurement -ViewerPrincipal Billi").CompletionText | Should -Be 'Billing'
    }

    It 'resolves a relative snapshot path against the current PowerShell location' {
        Push-Location (Join-Path $RepoRoot 'examples')
        try {
            (Get-Completion 'Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath ./sample-account.json -ProcurementPrincipal pri').CompletionText | Should -Be 'priya'
        }
        finally { Pop-Location }
    }

    It 'completes in the kind/name form when that was typed, and uses it for a name several kinds share' {
        $snapshot = Join-Path $TestDrive 'shared-names.json'
        @'
{ "UserDetailList": [ { "UserName": "ops", "Arn": "arn:aws:iam::111122223333:user/ops" },
                      { "UserName": "a,b", "Arn": "arn:aws:iam::111122223333:user/a,b" } ],
  "GroupDetailList": [ { "GroupName": "ops", "Arn": "arn:aws:iam::111122223333:group/ops" } ],
  "RoleDetailList": [ { "RoleName": "opsbot", "Arn": "arn:aws:iam::111122223333:role/opsbot" } ],
  "Policies": [] }
'@ | Set-Content $snapshot
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$snapshot' -Principal ops").CompletionText | Should -Be 'group/ops', 'opsbot', 'user/ops'
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$snapshot' -Principal role/").CompletionText | Should -Be 'role/opsbot'
        # A comma would split the value into an array: the name is offered quoted.
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$snapshot' -Principal a").CompletionText | Should -Be "'a,b'"
    }

    It 'reads the snapshot again when it changed' {
        $snapshot = Join-Path $TestDrive 'changing.json'
        '{ "UserDetailList": [ { "UserName": "first" } ] }' | Set-Content $snapshot
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$snapshot' -Principal ").CompletionText | Should -Be 'first'
        '{ "UserDetailList": [ { "UserName": "second" }, { "UserName": "third" } ] }' | Set-Content $snapshot
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$snapshot' -Principal ").CompletionText | Should -Be 'second', 'third'
    }

    It 'offers nothing, without an error, for <Case>' -ForEach @(
        @{ Case = 'no snapshot on the command line'; Content = $null; Line = 'Test-MarketplaceLeastPrivilege -ProcurementPrincipal ' }
        @{ Case = 'a missing file'; Content = $null; Line = "Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath './no-such-file.json' -ProcurementPrincipal " }
        @{ Case = 'a file that is not JSON'; Content = 'not json at all'; Line = $null }
        @{ Case = 'an empty file'; Content = ''; Line = $null }
        @{ Case = 'a JSON array'; Content = '[1, 2, 3]'; Line = $null }
        @{ Case = 'lists of the wrong type'; Content = '{ "UserDetailList": 5, "RoleDetailList": { "RoleName": "x" } }'; Line = $null }
        @{ Case = 'a folder'; Content = 'FOLDER'; Line = $null }
    ) {
        if ($null -ne $Content) {
            $path = Join-Path $TestDrive ('bad-' + [guid]::NewGuid())
            if ($Content -eq 'FOLDER') { New-Item -ItemType Directory $path | Out-Null } else { Set-Content -LiteralPath $path -Value $Content -NoNewline }
            $Line = "Test-MarketplaceLeastPrivilege -AuthorizationDetailsPath '$path' -ProcurementPrincipal "
        }
        $Error.Clear()
        Get-Completion $Line | Should -BeNullOrEmpty
        $Error | Should -BeNullOrEmpty
    }

    It 'keeps the names read before a break in the JSON' {
        $path = Join-Path $TestDrive 'truncated.json'
        '{ "UserDetailList": [ { "UserName": "kept" }, { "UserName": "lo' | Set-Content $path -NoNewline
        (Get-Completion "Get-MarketplaceAccess -AuthorizationDetailsPath '$path' -Principal ").CompletionText | Should -Be 'kept'
    }
}
