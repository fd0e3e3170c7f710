BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
}

Describe 'Get-MarketplacePolicyTemplate' {
    It 'returns the eight templates in order, with names, policy names, rule and description' {
        $templates = Get-MarketplacePolicyTemplate
        $templates.Name | Should -Be 'Procurement', 'BillingViewer', 'DenyMarketplace', 'PaidAmiLauncher', 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication', 'MarketplaceDistributionAdmin', 'DenyMarketplaceDistribution'
        $templates.PolicyName | Should -Be 'MarketplaceGuard-Procurement', 'MarketplaceGuard-BillingViewer', 'MarketplaceGuard-DenyMarketplace', 'MarketplaceGuard-PaidAmiLauncher', 'MarketplaceGuard-DenyPaidAmiLaunch', 'MarketplaceGuard-DenyPaidAmiReplication', 'MarketplaceGuard-MarketplaceDistributionAdmin', 'MarketplaceGuard-DenyMarketplaceDistribution'
        $templates.Rule | Should -Be 1, 1, 1, 2, 2, 2, 3, 3
        $templates | ForEach-Object { $_.Description | Should -Not -BeNullOrEmpty }
        $templates | ForEach-Object { $_.PolicyPath | Should -Be '/marketplaceguard/' }
    }

    It 'gives each document as compact JSON that parses back to the policy' {
        $deny = Get-MarketplacePolicyTemplate -Name DenyMarketplace
        $deny.Document | Should -BeOfType [string]
        $deny.Document | Should -Not -Match '\s'
        $json = $deny.Document | ConvertFrom-Json
        $json.Version | Should -Be '2012-10-17'
        $json.Statement[0].Effect | Should -Be 'Deny'
        $json.Statement[0].Action | Should -Be 'aws-marketplace:*'
        $json.Statement[0].Resource | Should -Be '*'
    }

    It 'matches names case-insensitively and with wildcards' {
        (Get-MarketplacePolicyTemplate -Name procurement).Name | Should -Be 'Procurement'
        (Get-MarketplacePolicyTemplate -Name '*Viewer', 'DenyM*').Name | Should -Be 'BillingViewer', 'DenyMarketplace', 'DenyMarketplaceDistribution'
        (Get-MarketplacePolicyTemplate 'Pr*', 'Procurement').Name | Should -Be 'Procurement' -Because 'a template is returned once however many names match it'
    }

    It 'returns nothing and no error for a wildcard that matches nothing' {
        $result = Get-MarketplacePolicyTemplate -Name 'Admin*' -ErrorVariable errors
        $result | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
    }

    It 'writes a non-terminating ObjectNotFound error naming the valid names, and still returns the others' {
        $result = Get-MarketplacePolicyTemplate -Name Admin, BillingViewer -ErrorVariable errors -ErrorAction SilentlyContinue
        $result.Name | Should -Be 'BillingViewer'
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'TemplateNotFound,*'
        $errors[0].TargetObject | Should -Be 'Admin'
        $errors[0].Exception.Message | Should -Be "There is no policy template 'Admin'. Valid names: Procurement, BillingViewer, DenyMarketplace, PaidAmiLauncher, DenyPaidAmiLaunch, DenyPaidAmiReplication, MarketplaceDistributionAdmin, DenyMarketplaceDistribution."
    }

    It 'stops with -ErrorAction Stop on an unknown name' {
        { Get-MarketplacePolicyTemplate -Name Admin -ErrorAction Stop } | Should -Throw -ErrorId 'TemplateNotFound,*'
    }

    It 'takes names from the pipeline, by value and by property name' {
        ('Procurement', 'DenyMarketplace' | Get-MarketplacePolicyTemplate).Name | Should -Be 'Procurement', 'DenyMarketplace'
        ([pscustomobject]@{ Name = 'BillingViewer' } | Get-MarketplacePolicyTemplate).Name | Should -Be 'BillingViewer'
    }

    It 'completes template names on Tab' {
        $line = 'Get-MarketplacePolicyTemplate -Name Bi'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be 'BillingViewer'

        $line = 'Get-MarketplacePolicyTemplate '
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be 'Procurement', 'BillingViewer', 'DenyMarketplace', 'PaidAmiLauncher', 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication', 'MarketplaceDistributionAdmin', 'DenyMarketplaceDistribution'

        $line = 'Get-MarketplacePolicyTemplate -Rule '
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be '1', '2', '3'
    }

    It 'filters by -Rule, alone and with -Name' {
        (Get-MarketplacePolicyTemplate -Rule 2).Name | Should -Be 'PaidAmiLauncher', 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication'
        (Get-MarketplacePolicyTemplate -Rule 1, 2).Count | Should -Be 6
        (Get-MarketplacePolicyTemplate -Rule 3).Name | Should -Be 'MarketplaceDistributionAdmin', 'DenyMarketplaceDistribution'
        (Get-MarketplacePolicyTemplate -Name Deny* -Rule 2).Name | Should -Be 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication'
        Get-MarketplacePolicyTemplate -Name Procurement -Rule 2 -ErrorAction SilentlyContinue -ErrorVariable leftOut | Should -BeNullOrEmpty
        $leftOut[0].Exception.Message | Should -Be 'The policy template Procurement serves rule 1, not -Rule 2.'
        Get-MarketplacePolicyTemplate -Name Proc* -Rule 2 | Should -BeNullOrEmpty # a pattern that -Rule empties is no error
    }

    It 'refuses a -Rule that is no rule, naming the parameter: <Case>' -TestCases @(
        @{ Case = 'a typo'; Value = 'l' }
        @{ Case = 'an empty value'; Value = '' }
        @{ Case = 'an empty list'; Value = @() }
        @{ Case = 'the wrong type'; Value = [datetime]::new(2026, 1, 1) }
        @{ Case = 'a rule that does not exist'; Value = 4 }
        @{ Case = 'a huge value'; Value = '99999999999999999999' }
    ) {
        { Get-MarketplacePolicyTemplate -Rule $Value -ErrorAction Stop } | Should -Throw -ErrorId '*Argument*,*'
        try { Get-MarketplacePolicyTemplate -Rule $Value -ErrorAction Stop } catch { $failed = $_ }
        $failed.Exception.Message | Should -BeLike "*'Rule'*"
    }

    It 'describes the Rule 2 templates: the launcher grant is ec2 only, the denies explicit' {
        $launcher = Get-MarketplacePolicyTemplate PaidAmiLauncher | ForEach-Object Document | ConvertFrom-Json
        $launcher.Statement.Effect | Sort-Object -Unique | Should -Be 'Allow'
        $launcher.Statement.Action | Where-Object { $_ -notlike 'ec2:*' } | Should -BeNullOrEmpty
        foreach ($name in 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication') {
            $deny = Get-MarketplacePolicyTemplate $name | ForEach-Object Document | ConvertFrom-Json
            $deny.Statement.Effect | Sort-Object -Unique | Should -Be 'Deny'
            ($deny.Statement.Sid | Where-Object { $_ }).Count | Should -Be $deny.Statement.Count -Because 'every statement is named, so an audit finding can cite it'
        }
    }

    It 'declares its output type' {
        (Get-Command Get-MarketplacePolicyTemplate).OutputType.Name | Should -Be 'MarketplaceGuard.Engine.Templates.PolicyTemplate'
    }

    It 'shows a table of Name, PolicyName, Rule, Edition and Description by default' {
        $text = Get-MarketplacePolicyTemplate | Out-String -Width 200
        $header = ($text -split "`n" | Where-Object { $_ -match '\S' })[0]
        $header | Should -Match '^Name\s+PolicyName\s+Rule\s+Edition\s+Description\s*$'
        $text | Should -Match 'DenyMarketplace\s+MarketplaceGuard-DenyMarketplace\s+1 Article\s+Explicitly deny every'
        $text | Should -Not -Match 'Statement' -Because 'the document is not part of the table'
    }

    It 'says so when -Rule leaves out a template named in full, and reads policy names and bad patterns' {
        Get-MarketplacePolicyTemplate -Rule 1 -Name PaidAmiLauncher -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].Exception.Message | Should -Be 'The policy template PaidAmiLauncher serves rule 2, not -Rule 1.'
        (Get-MarketplacePolicyTemplate -Name MarketplaceGuard-PaidAmiLauncher).Name | Should -Be 'PaidAmiLauncher'
        { Get-MarketplacePolicyTemplate -Name 'Deny[' -ErrorAction Stop } | Should -Throw -ErrorId 'TemplateNotFound,*'
        (Get-MarketplacePolicyTemplate -Name 'Deny*' -Rule 2).Name | Should -Be 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication'
    }

    It 'returns the Article edition by default and the Current edition with -Edition Current, with the same names and policy names' {
        $article = Get-MarketplacePolicyTemplate
        $current = Get-MarketplacePolicyTemplate -Edition Current
        (Get-MarketplacePolicyTemplate -Edition Article).Document | Should -Be $article.Document
        $current.Name | Should -Be $article.Name
        $current.PolicyName | Should -Be $article.PolicyName
        $article.Edition | Should -Be 'Article', 'Article', 'Article', 'Current', 'Current', 'Current', 'Current', 'Current'
        $current.Edition | Should -Be 'Current', 'Current', 'Article', 'Current', 'Current', 'Current', 'Current', 'Current' -Because 'DenyMarketplace is the article''s document in both editions'
        $current[0].Document | Should -Not -Be $article[0].Document
        $current[2].Document | Should -Be $article[2].Document
        $current[3..7].Document | Should -Be $article[3..7].Document
    }

    It 'gives the Current documents the Agreement API: procurement buys and cancels, billing is denied both' {
        $buyer = Get-MarketplacePolicyTemplate Procurement -Edition Current | ForEach-Object Document | ConvertFrom-Json
        $buyer.Statement.Action | Should -Contain 'aws-marketplace:AcceptAgreementRequest'
        $buyer.Statement.Action | Should -Contain 'aws-marketplace:CancelAgreement'
        $viewer = Get-MarketplacePolicyTemplate BillingViewer -Edition Current | ForEach-Object Document | ConvertFrom-Json
        $deny = $viewer.Statement | Where-Object Effect -EQ 'Deny'
        $deny.Action | Should -Contain 'aws-marketplace:CreateAgreementRequest'
        $deny.Action | Should -Contain 'aws-marketplace:CancelAgreement'
        foreach ($action in 'aws-marketplace:AcceptAgreementRequest', 'aws-marketplace:CancelAgreement', 'aws-marketplace:Subscribe') {
            (Get-MarketplacePolicyTemplate BillingViewer -Edition Current | Test-MarketplacePolicy -Action $action).Decision | Should -Be 'ExplicitDeny'
        }
    }

    It 'reads names, policy names and wildcards within the edition asked for' {
        (Get-MarketplacePolicyTemplate -Name MarketplaceGuard-BillingViewer -Edition Current).Edition | Should -Be 'Current'
        (Get-MarketplacePolicyTemplate -Name '*Viewer' -Edition Current).Edition | Should -Be 'Current'
        (Get-MarketplacePolicyTemplate -Rule 2 -Edition Current).Name | Should -Be 'PaidAmiLauncher', 'DenyPaidAmiLaunch', 'DenyPaidAmiReplication'
    }

    It 'refuses an -Edition that is no edition, naming the parameter and the valid ones: <Case>' -TestCases @(
        @{ Case = 'a typo'; Value = 'Curent' }
        @{ Case = 'an empty value'; Value = '' }
        @{ Case = 'the wrong type'; Value = [datetime]::new(2026, 1, 1) }
        @{ Case = 'a huge value'; Value = 'A' * 100000 }
    ) {
        { Get-MarketplacePolicyTemplate -Edition $Value -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        try { Get-MarketplacePolicyTemplate -Edition $Value -ErrorAction Stop } catch { $failed = $_ }
        $failed.Exception.Message | Should -BeLike "*'Edition'*Article,Current*"
    }

    It 'completes -Edition on Tab' {
        $line = 'Get-MarketplacePolicyTemplate -Edition '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Article', 'Current'
        $line = 'Get-MarketplacePolicyTemplate -Edition C'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'Current'
    }
}
