BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:SampleOrg = Join-Path $RepoRoot 'examples/organization'
    $script:FakeIam = Join-Path $RepoRoot 'artifacts/bin/MarketplaceGuard.FakeIam/release/MarketplaceGuard.FakeIam.dll'
    $script:Secret = 'guardrail-secret-do-not-print'
    $script:Workloads = 'ou-ex12-workload'
    $script:Sandbox = 'ou-ex12-sandbox1'
    $script:Writes = 'CreatePolicy', 'UpdatePolicy', 'DeletePolicy', 'AttachPolicy', 'DetachPolicy', 'TagResource', 'UntagResource'
    $script:Team = 'arn:aws:iam::*:user/pat', 'arn:aws:iam::*:user/priya'

    function Start-FakeOrganization([string[]] $Arguments = @()) {
        $log = Join-Path $TestDrive "requests-$([guid]::NewGuid()).log"
        $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($FakeIam, '--organization', $SampleOrg, '--request-log', $log) + $Arguments) { $info.ArgumentList.Add($a) }
        $info.RedirectStandardInput = $true; $info.RedirectStandardOutput = $true; $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $line = $process.StandardOutput.ReadLine()
        if ($line -notmatch '^listening (http://127\.0\.0\.1:\d+/)') { throw "The fake endpoint did not start: $line" }
        [pscustomobject]@{ Process = $process; Url = $Matches[1]; Log = $log; Aws = @{ EndpointUrl = $Matches[1]; AccessKey = 'AKIAGUARDRAILTEST000'; SecretKey = $Secret } }
    }

    function Stop-FakeOrganization($fake) {
        $fake.Process.StandardInput.Close()
        if (-not $fake.Process.WaitForExit(5000)) { $fake.Process.Kill() }
    }

    function Get-WriteCall($fake, [DateTimeOffset] $Since) {
        <# The Organizations writes the fake logged since a time (it flushes its log every 100 ms). #>
        Start-Sleep -Milliseconds 400
        @(Get-Content $fake.Log | Where-Object { [DateTimeOffset]::Parse(($_ -split ' ')[0], [Globalization.CultureInfo]::InvariantCulture) -ge $Since } |
            ForEach-Object { ($_ -split ' ')[4] } | Where-Object { $_ -in $Writes })
    }

    function New-TestGuardrail([string] $Name = 'MarketplaceGuard-Rule1', [string[]] $Procurement = $Team, [int[]] $Rules = @(1)) {
        <#
            A Rule 1 guardrail policy as New-MarketplaceGuardrailPolicy emits it: deny procurement to everyone but the
            procurement principals. Built through the engine's constructor, so this file does not depend on the builder.
        #>
        $arns = ($Procurement | ForEach-Object { "`"$_`"" }) -join ','
        $condition = if ($Procurement.Count -gt 0) { ',"Condition":{"ArnNotLike":{"aws:PrincipalArn":[' + $arns + ']}}' } else { '' }
        $content = '{"Version":"2012-10-17","Statement":[{"Sid":"OnlyProcurementSubscribes","Effect":"Deny","Action":["aws-marketplace:Subscribe","aws-marketplace:CreateAgreementRequest","aws-marketplace:AcceptAgreementRequest"],"Resource":"*"' + $condition + '}]}'
        $engine = (Get-MarketplacePolicyTemplate)[0].GetType().Assembly
        $document = $engine.GetType('MarketplaceGuard.Engine.Policies.PolicyParser')::Parse($content, $null)
        $exceptions = [Activator]::CreateInstance($engine.GetType('MarketplaceGuard.Engine.Guardrails.GuardrailExceptions'), @([string[]] $Procurement, [string[]] @(), [string[]] @(), [string[]] @()))
        $constructor = $engine.GetType('MarketplaceGuard.Engine.Guardrails.GuardrailPolicy').GetConstructors([Reflection.BindingFlags] 'NonPublic,Instance')[0]
        $constructor.Invoke(@($Name, 'Only the procurement team subscribes', [int[]] $Rules, $document, $content, $exceptions))
    }

    $script:Audit = @{ ProcurementPrincipal = 'Procurement'; ViewerPrincipal = 'Billing'; LauncherPrincipal = 'AmiOperators', 'cfn-deployer' }
}

Describe 'Set-MarketplaceGuardrail and Remove-MarketplaceGuardrail on the fake Organizations endpoint' {
    BeforeEach {
        $script:Fake = Start-FakeOrganization
        $script:Aws = $Fake.Aws
    }

    AfterEach {
        Stop-FakeOrganization $Fake
    }

    It 'previews every change in words with -WhatIf and writes nothing' {
        $started = [DateTimeOffset]::UtcNow
        $result = New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -WhatIf -PassThru

        $result.Status | Should -Be 'WhatIf'
        $result.Planned | Should -Be @(
            "create SCP MarketplaceGuard-Rule1-$Workloads, tagged managed-by=MarketplaceGuard"
            "attach SCP MarketplaceGuard-Rule1-$Workloads to OU Workloads ($Workloads)")
        $result.AttachedPolicies | Should -Contain "MarketplaceGuard-Rule1-$Workloads"
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
    }

    It 'applies, and a second run makes no write call' {
        $first = New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false
        $started = [DateTimeOffset]::UtcNow
        $second = New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false

        $first.Status | Should -Be 'Changed'
        $first.Changes.Count | Should -Be 2
        $first.AttachedPolicies | Should -Be @('FullAWSAccess', 'PaidAmisOnlyThroughDeployer', "MarketplaceGuard-Rule1-$Workloads")
        $second.Status | Should -Be 'NoChange'
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
    }

    It 'updates only the document when the exceptions change' {
        New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false
        $started = [DateTimeOffset]::UtcNow
        $result = New-TestGuardrail -Procurement ($Team + 'arn:aws:iam::*:role/MarketplaceBuyer') | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false

        $result.Changes | Should -Match "^update SCP MarketplaceGuard-Rule1-$Workloads \(p-\w+\): its document$"
        Get-WriteCall $Fake $started | Should -Be @('UpdatePolicy')
    }

    It 'is undone by Remove-MarketplaceGuardrail: the original attachments come back, a second Remove writes nothing' {
        @((New-TestGuardrail), (New-TestGuardrail -Name 'MarketplaceGuard-Rule1-Part2')) | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false
        $removed = Remove-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false
        $started = [DateTimeOffset]::UtcNow
        $again = Remove-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false

        $removed.Changes.Count | Should -Be 4
        $removed.AttachedPolicies | Should -Be @('FullAWSAccess', 'PaidAmisOnlyThroughDeployer')
        $again.Status | Should -Be 'NoChange'
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
    }

    It 'refuses a guardrail that would lock out the procurement team, naming the principal and the SCP statement' {
        $started = [DateTimeOffset]::UtcNow
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Sandbox @Aws -Confirm:$false } |
            Should -Throw -ErrorId 'GuardrailWouldLockOut,*' -ExpectedMessage "*arn:aws:iam::`*:user/p*would lose Procure*Deny SCP DenyMarketplaceSubscriptions statement 0*attached to OU Sandbox ($Sandbox)*"
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
    }

    It 'refuses the root and a Rule 1 guardrail that excepts nobody without -Force, and applies them with it' {
        $started = [DateTimeOffset]::UtcNow
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId r-ex12 @Aws -Confirm:$false } | Should -Throw -ErrorId 'GuardrailRootNeedsForce,*'
        { New-TestGuardrail -Procurement @() | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false } |
            Should -Throw -ErrorId 'GuardrailWithoutProcurement,*' -ExpectedMessage "*would deny procurement to every principal of the member accounts under OU Workloads ($Workloads)*"
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty

        (New-TestGuardrail | Set-MarketplaceGuardrail -TargetId r-ex12 @Aws -Force -Confirm:$false -PassThru).AttachedPolicies | Should -Be @('FullAWSAccess', 'MarketplaceGuard-Rule1-r-ex12')
    }

    It 'refuses a sixth SCP on a target with nothing attached' {
        $started = [DateTimeOffset]::UtcNow
        $parts = 1..4 | ForEach-Object { New-TestGuardrail -Name "MarketplaceGuard-Rule1-Part$_" }
        { $parts | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false } | Should -Throw -ErrorId 'GuardrailTooManyPolicies,*' -ExpectedMessage '*would have 6 SCPs*at most 5*'
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
    }

    It 'names bad input: an id of the wrong shape, one the organization lacks, an empty pipeline, another object' {
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId 'ou-ex12-workl0ad!' @Aws } | Should -Throw -ErrorId 'GuardrailTargetInvalid,*' -ExpectedMessage "*'ou-ex12-workl0ad!'*"
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId '' @Aws } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId ('r-' + 'a' * 5000) @Aws } | Should -Throw -ErrorId 'GuardrailTargetInvalid,*' -ExpectedMessage '*5,002 characters*'
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId 'ou-ex12-nosuchou' @Aws -Confirm:$false } | Should -Throw -ErrorId 'GuardrailTargetNotFound,*' -ExpectedMessage '*no OU ou-ex12-nosuchou*'
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId '999999999999' @Aws -Confirm:$false } | Should -Throw -ErrorId 'GuardrailTargetNotFound,*' -ExpectedMessage '*no account 999999999999*'
        { @() | Set-MarketplaceGuardrail -TargetId $Workloads @Aws } | Should -Throw -ErrorId 'GuardrailInputMissing,*'
        { 'MarketplaceGuard-Rule1' | Set-MarketplaceGuardrail -TargetId $Workloads @Aws } | Should -Throw -ErrorId 'InputNotAGuardrail,*'
        { Remove-MarketplaceGuardrail -TargetId $Workloads -Rule 7 @Aws } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        (TabExpansion2 -inputScript 'Remove-MarketplaceGuardrail -Rule ' -cursorColumn 34).CompletionMatches.CompletionText | Should -Be '1', '2', '3'
        { Remove-MarketplaceGuardrail -TargetId $Workloads -Rule 'one' @Aws } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,*'
    }

    It 'refuses an empty -Rule list and an empty -EndpointUrl instead of reading them as "all rules" and "AWS itself"' {
        New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false
        $started = [DateTimeOffset]::UtcNow
        { Remove-MarketplaceGuardrail -TargetId $Workloads -Rule @() @Aws -Confirm:$false } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        $empty = @{ AccessKey = $Aws.AccessKey; SecretKey = $Aws.SecretKey; EndpointUrl = '' }
        { Remove-MarketplaceGuardrail -TargetId $Workloads @empty -Confirm:$false } | Should -Throw -ExpectedMessage '*-EndpointUrl is empty*'
        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @empty -Confirm:$false } | Should -Throw -ExpectedMessage '*-EndpointUrl is empty*'
        Get-WriteCall $Fake $started | Should -BeNullOrEmpty
        (Remove-MarketplaceGuardrail -TargetId $Workloads @Aws -WhatIf -PassThru).Planned | Should -Contain "detach SCP MarketplaceGuard-Rule1-$Workloads from OU Workloads ($Workloads)"
    }

    It 'applies what New-MarketplaceGuardrailPolicy builds for all three rules, converges, and is undone' {
        $built = New-MarketplaceGuardrailPolicy -Rule 1, 2, 3 -ProcurementPrincipalArn $Team -LauncherPrincipalArn 'arn:aws:iam::*:role/cfn-deployer', 'arn:aws:iam::*:user/lena' -GovernancePrincipalArn 'arn:aws:iam::*:user/pat' -WarningAction SilentlyContinue

        $set = $built | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false
        $started = [DateTimeOffset]::UtcNow
        $again = $built | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false
        $removed = Remove-MarketplaceGuardrail -TargetId $Workloads @Aws -PassThru -Confirm:$false

        $set.AttachedPolicies | Should -Be (@('FullAWSAccess', 'PaidAmisOnlyThroughDeployer') + ($built.Name | ForEach-Object { "$_-$Workloads" }))
        $again.Status | Should -Be 'NoChange'
        $removed.AttachedPolicies | Should -Be @('FullAWSAccess', 'PaidAmisOnlyThroughDeployer')
        Get-WriteCall $Fake $started | Where-Object { $_ -notin 'DetachPolicy', 'DeletePolicy' } | Should -BeNullOrEmpty
    }

    It 'tells a member account that guardrails are set from the management account' {
        Stop-FakeOrganization $Fake
        $script:Fake = Start-FakeOrganization @('--caller-account', '222233334444')
        $aws = $Fake.Aws

        { New-TestGuardrail | Set-MarketplaceGuardrail -TargetId $Workloads @aws -Confirm:$false } |
            Should -Throw -ErrorId 'OrganizationsAccessDeniedException,*' -ExpectedMessage '*management account*'
    }

    It 'undoes what it did when a write fails part way: nothing is left attached' {
        Stop-FakeOrganization $Fake
        $script:Fake = Start-FakeOrganization @('--org-fail-after', 'AttachPolicy:1')
        $aws = $Fake.Aws

        { @((New-TestGuardrail), (New-TestGuardrail -Name 'MarketplaceGuard-Rule1-Part2')) | Set-MarketplaceGuardrail -TargetId $Workloads @aws -Confirm:$false } |
            Should -Throw -ErrorId 'GuardrailApplyFailed,*' -ExpectedMessage "*ConcurrentModificationException*Undone: detached SCP MarketplaceGuard-Rule1-$Workloads again*"
        # Nothing of the run is left: a preview plans both creations again, and the target's attachments are the original ones.
        $preview = @((New-TestGuardrail), (New-TestGuardrail -Name 'MarketplaceGuard-Rule1-Part2')) | Set-MarketplaceGuardrail -TargetId $Workloads @aws -WhatIf -PassThru
        ($preview.Planned | Where-Object { $_ -like 'create SCP*' }).Count | Should -Be 2
        (Remove-MarketplaceGuardrail -TargetId $Workloads @aws -WhatIf -PassThru).Status | Should -Be 'NoChange'
    }

    It 'lets the audit see the guardrail decide verdicts, and no longer after Remove' {
        # The guardrail excepts pat only: priya, of the Procurement group the audit names, is denied by it too (the
        # lockout guard checks the principals the guardrail excepts, the audit the ones it is told are authorized).
        $before = Test-MarketplaceLeastPrivilege @Audit @Aws -AccountId 444455556666 -WarningAction SilentlyContinue
        New-TestGuardrail -Procurement 'arn:aws:iam::*:user/pat' | Set-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false
        $with = Test-MarketplaceLeastPrivilege @Audit @Aws -AccountId 444455556666 -WarningAction SilentlyContinue
        Remove-MarketplaceGuardrail -TargetId $Workloads @Aws -Confirm:$false
        $after = Test-MarketplaceLeastPrivilege @Audit @Aws -AccountId 444455556666 -WarningAction SilentlyContinue

        $priya = $with | Where-Object { $_.RuleId -eq 'MG1003' -and $_.Principal -eq 'user/priya' }
        $priya.Reason | Should -Match "Deny SCP MarketplaceGuard-Rule1-$Workloads statement 0 \(Sid OnlyProcurementSubscribes\) attached to OU Workloads \($Workloads\)"
        # dave (PowerUserAccess) could procure; the guardrail's deny decides that he no longer can.
        $before | Where-Object { $_.RuleId -eq 'MG1001' -and $_.Principal -eq 'user/dave' } | Should -Not -BeNullOrEmpty
        $with | Where-Object { $_.RuleId -eq 'MG1001' -and $_.Principal -eq 'user/dave' } | Should -BeNullOrEmpty
        $after | Where-Object Reason -Match 'MarketplaceGuard-Rule1' | Should -BeNullOrEmpty
        ($after | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Reason)" } | Sort-Object) | Should -Be ($before | ForEach-Object { "$($_.RuleId) $($_.Principal) $($_.Reason)" } | Sort-Object)
    }
}
