BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:Procurement = 'arn:aws:iam::111122223333:role/Procurement'
    $script:Launchers = 'arn:aws:iam::*:role/launchers/*'
    $script:Governance = 'arn:aws:iam::111122223333:role/Governance'
    $script:All = @{
        ProcurementPrincipalArn = $Procurement
        LauncherPrincipalArn    = $Launchers
        GovernancePrincipalArn  = $Governance
    }
}

Describe 'New-MarketplaceGuardrailPolicy' {
    It 'builds one SCP per rule, named, sized and described, with no warning when every rule has exceptions' {
        $policies = New-MarketplaceGuardrailPolicy @All -WarningVariable warnings
        $policies.Name | Should -Be 'MarketplaceGuard-Rule1', 'MarketplaceGuard-Rule2', 'MarketplaceGuard-Rule3'
        $policies | ForEach-Object { $_.GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Guardrails.GuardrailPolicy' }
        $policies[1].Rules | Should -Be 2
        $policies | ForEach-Object { $_.Length | Should -BeLessOrEqual 5120; $_.Length | Should -Be $_.Content.Length }
        $policies[0].Description | Should -BeLike '*except to 1 procurement ARN pattern'
        $warnings | Should -BeNullOrEmpty
    }

    It 'writes documents that are compact, valid JSON denies with the exceptions in every statement' {
        $policy = New-MarketplaceGuardrailPolicy -Rule 2 -LauncherPrincipalArn $Launchers
        $policy.Content | Should -Not -Match '\s'
        $json = $policy.Content | ConvertFrom-Json
        $json.Version | Should -Be '2012-10-17'
        $json.Statement | ForEach-Object {
            $_.Effect | Should -Be 'Deny'
            $_.Condition.ArnNotLike.'aws:PrincipalArn' | Should -Be $Launchers
        }
        $json.Statement.Sid | Should -Contain 'R2MarketplaceAmi'
    }

    It 'records the exceptions for the applying cmdlet, sorted and without duplicates' {
        $policy = New-MarketplaceGuardrailPolicy -Rule 1 -ProcurementPrincipalArn $Procurement, 'arn:aws:iam::111122223333:role/Buyer', $Procurement -ApprovedProductId prod-4pmewlybdftbs
        $policy.Exceptions.ProcurementPrincipalArns | Should -Be 'arn:aws:iam::111122223333:role/Buyer', $Procurement
        $policy.Exceptions.ApprovedProductIds | Should -Be 'prod-4pmewlybdftbs'
        $policy.Content | Should -Match '"R1NoProductId"'
    }

    It 'gives the same bytes for the same input' {
        $first = New-MarketplaceGuardrailPolicy @All
        $second = New-MarketplaceGuardrailPolicy -Rule 3, 2, 1 -GovernancePrincipalArn $Governance -LauncherPrincipalArn $Launchers -ProcurementPrincipalArn $Procurement
        $second.Content | Should -Be $first.Content
    }

    It 'warns when a rule is built without exceptions' {
        $policies = New-MarketplaceGuardrailPolicy -Rule 1, 2 -ProcurementPrincipalArn $Procurement -WarningVariable warnings -WarningAction SilentlyContinue
        $policies.Name | Should -Be 'MarketplaceGuard-Rule1', 'MarketplaceGuard-Rule2'
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike 'Rule 2 is built without -LauncherPrincipalArn: * to every principal in the member accounts it is attached to.'
    }

    It 'shows a table of Name, Rules, Length and Description' {
        $table = New-MarketplaceGuardrailPolicy @All | Format-Table | Out-String -Width 200
        $table | Should -Match 'Name\s+Rules\s+Length\s+Description'
        $table | Should -Match 'MarketplaceGuard-Rule2\s+2\s+\d+ MarketplaceGuard Rule 2'
    }

    It 'refuses an ARN with a typo, naming the value and the parameter, and builds nothing' {
        $result = New-MarketplaceGuardrailPolicy @All -LauncherPrincipalArn 'arn:aws:iam::11112222333:role/Launcher', 'arn:aws:sts::111122223333:assumed-role/Launcher/me' -ErrorVariable errors -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2 -Because 'every bad value is reported'
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GuardrailPrincipalInvalid,*'; $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
        $errors[0].TargetObject | Should -Be 'arn:aws:iam::11112222333:role/Launcher'
        $errors[0].Exception.Message | Should -BeLike "-LauncherPrincipalArn: 'arn:aws:iam::11112222333:role/Launcher' has the account '11112222333'*"
        $errors[1].Exception.Message | Should -BeLike '*use arn:aws:iam::111122223333:role/Launcher*'
    }

    It 'refuses a product id of the wrong shape' {
        { New-MarketplaceGuardrailPolicy @All -ApprovedProductId 'prod-123' -ErrorAction Stop } | Should -Throw -ErrorId 'GuardrailProductIdInvalid,*'
    }

    It 'refuses empty values, a rule that does not exist and values of the wrong type' {
        { New-MarketplaceGuardrailPolicy -ProcurementPrincipalArn '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { New-MarketplaceGuardrailPolicy -ProcurementPrincipalArn @() } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { New-MarketplaceGuardrailPolicy -Rule 4 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { New-MarketplaceGuardrailPolicy -Rule one } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
        { New-MarketplaceGuardrailPolicy @All -GovernancePrincipalArn @{ Arn = $Governance } -ErrorAction Stop } | Should -Throw -ErrorId 'GuardrailPrincipalInvalid,*'
    }

    It 'refuses a list for a rule it does not build' {
        { New-MarketplaceGuardrailPolicy -Rule 1 -ProcurementPrincipalArn $Procurement -LauncherPrincipalArn $Launchers -ErrorAction Stop } | Should -Throw -ErrorId 'GuardrailRuleNotBuilt,*'
    }

    It 'refuses a huge value and a huge list with a message that says what is wrong' {
        $huge = 'arn:aws:iam::111122223333:role/' + ('x' * 5000)
        $null = New-MarketplaceGuardrailPolicy -Rule 1 -ProcurementPrincipalArn $huge -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].Exception.Message | Should -BeLike '*has 5,031 characters; an ARN has at most 2,048.'
        $errors[0].Exception.Message.Length | Should -BeLessThan 400

        $many = 0..199 | ForEach-Object { "arn:aws:iam::111122223333:role/procurement/buyer-$_" }
        $result = New-MarketplaceGuardrailPolicy -Rule 1 -ProcurementPrincipalArn $many -ErrorVariable errors -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GuardrailTooLarge,*'
        $errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $errors[0].Exception.Message | Should -BeLike 'The Rule 1 deny R1Procure needs * over AWS Organizations* limit of 5,120*-ProcurementPrincipalArn: 200 ARN patterns*'
    }

    It 'splits a rule that outgrows one SCP into parts' {
        $launchers = 0..9 | ForEach-Object { "arn:aws:iam::111122223333:role/launchers/team-$_/*" }
        $policies = New-MarketplaceGuardrailPolicy -Rule 2 -LauncherPrincipalArn $launchers
        $policies.Name | Should -Be 'MarketplaceGuard-Rule2', 'MarketplaceGuard-Rule2-Part2'
        $policies | ForEach-Object { $_.Length | Should -BeLessOrEqual 5120 }
    }

    It 'completes rule numbers on Tab' {
        $line = 'New-MarketplaceGuardrailPolicy -Rule '
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be '1', '2', '3'
    }
}
