BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
    $script:MfaPolicy = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}'
}

Describe 'Test-MarketplacePolicy' {
    It 'evaluates piped templates together, naming them by PolicyName' {
        $results = Get-MarketplacePolicyTemplate Procurement, DenyMarketplace | Test-MarketplacePolicy -Action aws-marketplace:Subscribe
        $results.Decision | Should -Be 'ExplicitDeny'
        $results.MatchedStatements[0].PolicyName | Should -Be 'MarketplaceGuard-DenyMarketplace'
        $results.Reason | Should -Be 'explicitly denied by Deny MarketplaceGuard-DenyMarketplace statement 0 (Sid DenyAWSMarketplaceAccess)'
    }

    It 'gives one result per action and resource, resource by resource' {
        $results = Test-MarketplacePolicy -PolicyDocument '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}' `
            -Action s3:GetObject, s3:PutObject -Resource arn:aws:s3:::b/1, arn:aws:s3:::c/1
        $results.Count | Should -Be 4
        ($results | ForEach-Object { "$($_.Action) $($_.Resource) $($_.Decision)" }) | Should -Be @(
            's3:GetObject arn:aws:s3:::b/1 Allowed'
            's3:PutObject arn:aws:s3:::b/1 ImplicitDeny'
            's3:GetObject arn:aws:s3:::c/1 ImplicitDeny'
            's3:PutObject arn:aws:s3:::c/1 ImplicitDeny')
    }

    It 'asks an action without resource types once, on *, however many resources are given' {
        $results = Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action aws-marketplace:Subscribe -Resource arn:aws:s3:::b/1, arn:aws:s3:::c/1
        @($results).Count | Should -Be 1
        $results.Resource | Should -Be '*'
    }

    It 'evaluates actions without resource types on *' {
        $result = Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action aws-marketplace:Subscribe -Resource arn:aws:aws-marketplace:us-east-1:111122223333:x
        $result.Resource | Should -Be '*'
        $result.Decision | Should -Be 'Allowed'
    }

    It 'uses -Context, with booleans, strings and arrays' {
        (Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -Context @{ 'aws:MultiFactorAuthPresent' = $true }).Decision | Should -Be 'Allowed'
        (Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -Context @{ 'AWS:multifactorauthpresent' = 'false' }).Decision | Should -Be 'ImplicitDeny'
        (Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe).Decision | Should -Be 'ImplicitDeny'

        $tags = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","owner"]}}}}'
        (Test-MarketplacePolicy -PolicyDocument $tags -Action ec2:CreateTags -Context @{ 'aws:TagKeys' = @('env', 'owner') }).Decision | Should -Be 'Allowed'
        (Test-MarketplacePolicy -PolicyDocument $tags -Action ec2:CreateTags -Context @{ 'aws:TagKeys' = @('env', 'cost') }).Decision | Should -Be 'ImplicitDeny'
    }

    It 'with -Audit, reports conditional access with its gating conditions' {
        $result = Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -Audit
        $result.GetType().FullName | Should -Be 'MarketplaceGuard.Engine.Evaluation.AuditResult'
        $result.Decision | Should -Be 'ConditionallyAllowed'
        $result.GatingConditions.Description | Should -Be 'only if aws:MultiFactorAuthPresent is true'
        (Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -Audit -Context @{ 'aws:MultiFactorAuthPresent' = 'true' }).Decision | Should -Be 'Allowed'
    }

    It 'fills principal keys from -PrincipalArn' {
        $doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}}'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action s3:GetObject -Resource arn:aws:s3:::home/alice/x -PrincipalArn arn:aws:iam::111122223333:user/alice).Decision | Should -Be 'Allowed'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action s3:GetObject -Resource arn:aws:s3:::home/alice/x -PrincipalArn arn:aws:iam::111122223333:role/alice).Decision | Should -Be 'ImplicitDeny'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action s3:GetObject -Resource arn:aws:s3:::home/alice/x -PrincipalArn arn:aws:iam::111122223333:role/alice -Audit).Decision |
            Should -Be 'ImplicitDeny' -Because 'a role has no aws:username: the audit knows it is absent'
    }

    It 'applies a permissions boundary and service control policies' {
        $admin = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}'
        $boundary = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}'
        $result = Test-MarketplacePolicy -PolicyDocument $admin -PermissionsBoundary $boundary -Action aws-marketplace:Subscribe
        $result.Decision | Should -Be 'ImplicitDeny'
        $result.Reason | Should -Be 'implicitly denied: the permissions boundary PermissionsBoundary does not allow it'

        $scp = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*"}]}'
        (Test-MarketplacePolicy -PolicyDocument $admin -ServiceControlPolicy $scp -Action aws-marketplace:Subscribe).MatchedStatements.PolicyName | Should -Be 'ServiceControlPolicy[0]'
    }

    It 'expands action wildcards through the catalog' {
        $results = Get-MarketplacePolicyTemplate BillingViewer | Test-MarketplacePolicy -Action 'aws-marketplace:*Subscri*'
        $results.Action | Should -Be 'aws-marketplace:Subscribe', 'aws-marketplace:Unsubscribe', 'aws-marketplace:ViewSubscriptions'
    }

    It 'writes an error for an action pattern the catalog cannot expand' {
        $results = Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action 's3:Get*', aws-marketplace:Subscribe -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Action | Should -Be 'aws-marketplace:Subscribe'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ActionUnknown,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports every invalid document as InvalidData naming the document and the JSON path, and evaluates nothing' {
        $bad = '{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"aws-marketplace:Subscribe","Resource":"*"}}'
        $results = Test-MarketplacePolicy -PolicyDocument $MfaPolicy, $bad, '[]' -Action aws-marketplace:Subscribe -ErrorVariable errors -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2
        $errors | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'InvalidData' }
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PolicyInvalid,*'
        $errors[0].Exception.Message | Should -Be "The policy document 'PolicyDocument[1]' is not valid (1 problem): `$.Statement.Effect: 'Permit' is not a valid effect: use 'Allow' or 'Deny'"
        $errors[0].TargetObject | Should -Be '-PolicyDocument PolicyDocument[1]'
        $errors[1].Exception.Message | Should -Be "The policy document 'PolicyDocument[2]' is not valid (1 problem): `$: the policy document must be a JSON object, not an array"
    }

    It 'accepts URL-encoded documents as IAM returns them' {
        $encoded = [uri]::EscapeDataString((Get-MarketplacePolicyTemplate Procurement).Document)
        (Test-MarketplacePolicy -PolicyDocument $encoded -Action aws-marketplace:Subscribe).Decision | Should -Be 'Allowed'
    }

    It 'rejects a principal ARN that is not an IAM principal' {
        $null = Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -PrincipalArn arn:aws:s3:::bucket -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'PrincipalArnInvalid,*'
        $errors[0].Exception.Message | Should -BeLike "*'arn:aws:s3:::bucket' is not the ARN of an IAM user, role or account*"
    }

    It 'shows a table of action, decision and reason under each resource' {
        $text = Get-MarketplacePolicyTemplate BillingViewer | Test-MarketplacePolicy -Action aws-marketplace:Subscribe | Out-String -Width 250
        $text | Should -Match 'Resource: \*'
        $text | Should -Match 'Action\s+Decision\s+Reason'
        $text | Should -Match 'aws-marketplace:Subscribe\s+ExplicitDeny\s+explicitly denied by'
    }

    It 'keeps every decision visible at 80 columns, with long actions and resource ARNs (-Audit: <Audit>)' -ForEach @(
        @{ Audit = $false }
        @{ Audit = $true }
    ) {
        $doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::corp-home/${aws:username}/*"}}'
        $long = 'arn:aws:s3:::corp-home/alice/a-rather-long-folder-name/and-an-even-longer-file-name-for-the-report.txt'
        $lines = Test-MarketplacePolicy -PolicyDocument $doc -Action s3:GetObject, aws-marketplace:DisassociateProductsFromPrivateMarketplace -Resource $long `
            -PrincipalArn arn:aws:iam::111122223333:user/alice -Audit:$Audit | Out-String -Width 80 -Stream
        $lines | Where-Object Length -GT 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^s3:GetObject\s+Allowed\s+(always )?allowed by' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^aws-marketplace:DisassociateProductsFromPrivateMarketplace\s+ImplicitDeny\b' } | Should -Not -BeNullOrEmpty
        ($lines -join "`n") | Should -Match ([regex]::Escape('Resource: arn:aws:s3:::corp-home/alice/'))
    }

    It 'completes action names from the catalog on Tab, with or without the service prefix' {
        $line = 'Test-MarketplacePolicy -Action aws-marketplace:Subsc'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'aws-marketplace:Subscribe'
        $line = 'Test-MarketplacePolicy -Action ViewSub'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'aws-marketplace:ViewSubscriptions'
    }
}

Describe 'Test-MarketplacePolicy fails closed' {
    It 'stops with PolicyMissing when no policy arrives: <Case>' -ForEach @(
        @{ Case = 'an empty pipeline'; Run = { @() | Test-MarketplacePolicy -Action aws-marketplace:Subscribe } }
        @{ Case = 'a template wildcard that matched nothing'; Run = { Get-MarketplacePolicyTemplate Nope* | Test-MarketplacePolicy -Action aws-marketplace:Subscribe } }
        @{ Case = 'a template name that matched nothing'; Run = { Get-MarketplacePolicyTemplate Nope -ErrorAction SilentlyContinue | Test-MarketplacePolicy -Action aws-marketplace:Subscribe } }
        @{ Case = 'a filter that let nothing through'; Run = { Get-MarketplacePolicyTemplate | Where-Object Rule -EQ 9 | Test-MarketplacePolicy -Action aws-marketplace:Subscribe -Audit } }
    ) {
        $output = $null
        { $script:output = & $Run } | Should -Throw -ErrorId 'PolicyMissing,*'
        $output | Should -BeNullOrEmpty
    }

    It 'evaluates the documents given as a parameter once, whatever the pipeline brings' {
        $doc = (Get-MarketplacePolicyTemplate Procurement).Document
        (@() | Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe).Decision | Should -Be 'Allowed'
        $result = [pscustomobject]@{ PolicyName = 'a' }, [pscustomobject]@{ PolicyName = 'b' } |
            Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe
        @($result).Count | Should -Be 1
        @($result.MatchedStatements).Count | Should -Be 1
    }

    It 'refuses input that is not a policy instead of evaluating without it' {
        $results = [pscustomobject]@{ Name = 'not a policy' }, $null | Test-MarketplacePolicy -Action aws-marketplace:Subscribe -ErrorVariable errors -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $errors.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'PolicyInvalid,*' }
        $errors.Count | Should -Be 2
    }

    It 'gives one hint, not one error per line, for a file read without -Raw (<Via>)' -ForEach @(
        @{ Via = 'parameter' }
        @{ Via = 'pipeline' }
    ) {
        $file = Join-Path $TestDrive 'policy.json'
        (Get-MarketplacePolicyTemplate Procurement).Document | ConvertFrom-Json | ConvertTo-Json -Depth 10 | Set-Content $file
        $errorRecord = $null
        try {
            if ($Via -eq 'parameter') { Test-MarketplacePolicy -PolicyDocument (Get-Content $file) -Action aws-marketplace:Subscribe -ErrorVariable all }
            else { Get-Content $file | Test-MarketplacePolicy -Action aws-marketplace:Subscribe -ErrorVariable all }
        }
        catch { $errorRecord = $_ }
        $errorRecord.FullyQualifiedErrorId | Should -BeLike 'InputSplitIntoLines,*'
        $errorRecord.Exception.Message | Should -BeLike '*Get-Content ./policy.json -Raw*'
        $all.Count | Should -Be 1
        (Get-Content $file -Raw | Test-MarketplacePolicy -Action aws-marketplace:Subscribe).Decision | Should -Be 'Allowed'
    }

    It 'gives the same hint for service control policies read without -Raw' {
        $file = Join-Path $TestDrive 'scp.json'
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' | ConvertFrom-Json | ConvertTo-Json -Depth 5 | Set-Content $file
        { Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -ServiceControlPolicy (Get-Content $file) -Action aws-marketplace:Subscribe } |
            Should -Throw -ErrorId 'InputSplitIntoLines,*'
        (Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -ServiceControlPolicy (Get-Content $file -Raw) -Action aws-marketplace:Subscribe).Decision |
            Should -Be 'Allowed'
    }

    It 'trims action names and writes them as the catalog does' {
        $result = Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action ' AWS-Marketplace:subscribe '
        $result.Action | Should -Be 'aws-marketplace:Subscribe'
        $result.Decision | Should -Be 'Allowed'
    }

    It 'refuses an action the catalog does not list for its service, with the nearest names: <Action>' -ForEach @(
        @{ Action = 'aws-marketplace:Subscrib'; Message = "The action 'aws-marketplace:Subscrib' is not an action of aws-marketplace (the module's catalog lists all of them). Did you mean aws-marketplace:Subscribe?" }
        @{ Action = 'Subscribe'; Message = "The action 'Subscribe' is not a full action name: write it as service:Action (aws-marketplace:Subscribe). Did you mean aws-marketplace:Subscribe?" }
        @{ Action = 'ec2:RunInstance'; Message = "The action 'ec2:RunInstance' is not among the ec2 actions the module's catalog holds, and one of them is spelled almost the same. Did you mean ec2:RunInstances?" }
    ) {
        $results = Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action $Action, aws-marketplace:ViewSubscriptions -ErrorVariable errors -ErrorAction SilentlyContinue
        $results.Action | Should -Be 'aws-marketplace:ViewSubscriptions'
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ActionUnknown,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[0].TargetObject | Should -Be $Action
        $errors[0].Exception.Message | Should -Be $Message
    }

    It 'evaluates an ec2 action the catalog''s selection leaves out, with a warning' {
        $result = Get-MarketplacePolicyTemplate PaidAmiLauncher | Test-MarketplacePolicy -Action ec2:DescribeRegions, ec2:DeleteTags -WarningVariable warnings -WarningAction SilentlyContinue
        ($result | ForEach-Object { "$($_.Action) $($_.Decision)" }) | Should -Be 'ec2:DescribeRegions ImplicitDeny', 'ec2:DeleteTags Allowed'
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -BeLike "'ec2:DescribeRegions' is not among the ec2 actions the module's catalog holds (a selection)*"
    }

    It 'evaluates actions of services the catalog does not cover, warning when the service looks like a typo' {
        (Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action ecr:DescribeImages -WarningVariable warnings).Decision | Should -Be 'ImplicitDeny'
        $warnings | Should -BeNullOrEmpty
        $result = Get-MarketplacePolicyTemplate Procurement | Test-MarketplacePolicy -Action aws-marketplce:Subscribe -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Decision | Should -Be 'ImplicitDeny'
        $warnings[0].Message | Should -BeLike '*Did you mean aws-marketplace:Subscribe?'
    }

    It 'does not apply a deny whose NotResource uses a variable the principal lacks (a role has no aws:username)' {
        $doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::${aws:username}/*"}]}'
        $role = 'arn:aws:iam::111122223333:role/buyer'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe -PrincipalArn $role).Decision | Should -Be 'Allowed'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe -PrincipalArn $role -Audit).Decision | Should -Be 'Allowed'
        (Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe -PrincipalArn arn:aws:iam::111122223333:user/alice).Decision | Should -Be 'ExplicitDeny'
        $unknown = Test-MarketplacePolicy -PolicyDocument $doc -Action aws-marketplace:Subscribe -Audit
        $unknown.Decision | Should -Be 'ConditionallyAllowed' -Because 'whether the pattern resolves depends on who calls'
        $unknown.GatingConditions.Description | Should -Be 'unless the resource is outside the NotResource patterns that use ${aws:username}'
    }
}

Describe 'Test-MarketplacePolicy -Context values' {
    It 'refuses a context value it cannot read (<Case>) instead of treating the key as absent' -TestCases @(
        @{ Case = 'a hashtable'; Value = @{ a = 1 } }
        @{ Case = 'null'; Value = $null }
        @{ Case = 'an empty array'; Value = @() }
    ) {
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}'
        $result = Test-MarketplacePolicy -PolicyDocument $document -Action aws-marketplace:Subscribe -Context @{ 'aws:MultiFactorAuthPresent' = $Value } -ErrorVariable failed -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ContextInvalid,*'
        $failed[0].TargetObject | Should -Be 'aws:MultiFactorAuthPresent'
    }

    It 'refuses a value of the wrong type for a typed global key (<Key> = <Value>), a key without prefix, and a key given twice' -TestCases @(
        @{ Key = 'aws:MultiFactorAuthPresent'; Value = 'no' }
        @{ Key = 'aws:MultiFactorAuthPresent'; Value = 0 }
        @{ Key = 'aws:MultiFactorAuthAge'; Value = 'abc' }
        @{ Key = 'aws:CurrentTime'; Value = 'garbage' }
        @{ Key = 'aws:SourceIp'; Value = '300.1.1.1' }
        @{ Key = 'MultiFactorAuthPresent'; Value = 'false' }
    ) {
        $document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"},{"Effect":"Deny","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}'
        $result = Test-MarketplacePolicy -PolicyDocument $document -Action aws-marketplace:Subscribe -Context @{ $Key = $Value } -ErrorVariable failed -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'ContextInvalid,*'

        $twice = [hashtable]::new([StringComparer]::Ordinal)
        $twice.Add('aws:MultiFactorAuthPresent', 'true')
        $twice.Add('AWS:multifactorauthpresent', 'false')
        Test-MarketplacePolicy -PolicyDocument $document -Action aws-marketplace:Subscribe -Context $twice -ErrorVariable doubled -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $doubled[0].Exception.Message | Should -BeLike '*is given twice*'
    }

    It 'accepts well-typed values: <Key> = <Value>' -TestCases @(
        @{ Key = 'aws:MultiFactorAuthPresent'; Value = $true }
        @{ Key = 'aws:MultiFactorAuthPresent'; Value = 'FALSE' }
        @{ Key = 'aws:MultiFactorAuthAge'; Value = 3600 }
        @{ Key = 'aws:CurrentTime'; Value = [datetime]'2026-11-30' }
        @{ Key = 'aws:SourceIp'; Value = '203.0.113.7' }
    ) {
        (Test-MarketplacePolicy -PolicyDocument $MfaPolicy -Action aws-marketplace:Subscribe -Context @{ $Key = $Value }).Action | Should -Be 'aws-marketplace:Subscribe'
    }
}
