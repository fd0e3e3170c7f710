BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Sample = Join-Path $RepoRoot 'examples/sample-account.json'
}

Describe 'Get-MarketplaceAccess output' {
    It 'compares Capability as its name: Where-Object Capability -eq Procure finds the procurers' {
        $all = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample
        $procure = $all | Where-Object Capability -EQ Procure
        $procure.Count | Should -Be 24 # 17 users and 7 roles
        ($procure | Where-Object Decision -EQ Allowed).PrincipalName | Should -Contain 'pat'
        ($all | Where-Object Capability -In 'Procure', 'Cancel').Count | Should -Be 48
        $procure[0].Capability | Should -BeOfType [string]
        $procure[0].CapabilityDefinition.Rule | Should -Be 1
    }

    It 'keeps comparing Capability as a name after serialization' {
        $file = Join-Path $TestDrive 'access.xml'
        Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal pat | Export-Clixml $file
        $procure = Import-Clixml $file | Where-Object Capability -EQ Procure
        $procure.PrincipalName | Should -Be 'pat'
        $procure.Capability | Should -Be 'Procure'
        $csv = Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Principal pat | ConvertTo-Csv | ConvertFrom-Csv
        ($csv | Where-Object Capability -EQ Procure).Decision | Should -Be 'Allowed'
    }
}

Describe 'Get-MarketplaceAccess -Principal from the pipeline' {
    It 'takes names and objects with UserName, RoleName, GroupName or Arn' {
        ('pat', 'sam' | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure).PrincipalName | Should -Be 'pat', 'sam'
        ([pscustomobject]@{ UserName = 'dave' }, [pscustomobject]@{ RoleName = 'MarketplaceBuyer' } |
            Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure).PrincipalName | Should -Be 'dave', 'MarketplaceBuyer'
        ([pscustomobject]@{ GroupName = 'Procurement' } | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure).PrincipalName | Should -Be 'pat', 'priya'
        ([pscustomobject]@{ Arn = 'arn:aws:iam::111122223333:user/sam' } | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure).PrincipalName | Should -Be 'sam'
    }

    It 'never widens to the whole account when nothing arrives: <Case>' -ForEach @(
        @{ Case = 'an empty pipeline'; Run = { @() | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample } }
        @{ Case = 'a filter that let nothing through'; Run = { 'pat' | Where-Object { $false } | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure } }
    ) {
        $script:output = $null
        { $script:output = & $Run } | Should -Throw -ErrorId 'PrincipalMissing,*'
        $script:output | Should -BeNullOrEmpty
    }

    It 'never widens to the whole account when the piped objects name nobody' {
        $script:output = $null
        { $script:output = [pscustomobject]@{ Id = 1 } | Get-MarketplaceAccess -AuthorizationDetailsPath $Sample -Capability Procure -ErrorAction Stop } |
            Should -Throw '*has no GroupName, UserName, RoleName, PrincipalArn, Arn or Principal property (it has Id)*'
        $script:output | Should -BeNullOrEmpty
    }
}
