BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module $ManifestPath -Force
}

Describe 'Get-MarketplacePolicyTemplate' {
    It 'returns the three templates in order, with names, policy names, rule and description' {
        $templates = Get-MarketplacePolicyTemplate
        $templates.Name | Should -Be 'Procurement', 'BillingViewer', 'DenyMarketplace'
        $templates.PolicyName | Should -Be 'MarketplaceGuard-Procurement', 'MarketplaceGuard-BillingViewer', 'MarketplaceGuard-DenyMarketplace'
        $templates.Rule | Should -Be 1, 1, 1
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
        (Get-MarketplacePolicyTemplate -Name '*Viewer', 'Deny*').Name | Should -Be 'BillingViewer', 'DenyMarketplace'
        (Get-MarketplacePolicyTemplate 'P*', 'Procurement').Name | Should -Be 'Procurement' -Because 'a template is returned once however many names match it'
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
        $errors[0].Exception.Message | Should -Be "There is no policy template 'Admin'. Valid names: Procurement, BillingViewer, DenyMarketplace."
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
        $completion.CompletionMatches.CompletionText | Should -Be 'Procurement', 'BillingViewer', 'DenyMarketplace'
    }

    It 'declares its output type' {
        (Get-Command Get-MarketplacePolicyTemplate).OutputType.Name | Should -Be 'MarketplaceGuard.Engine.Templates.PolicyTemplate'
    }

    It 'shows a table of Name, PolicyName, Rule and Description by default' {
        $text = Get-MarketplacePolicyTemplate | Out-String -Width 200
        $header = ($text -split "`n" | Where-Object { $_ -match '\S' })[0]
        $header | Should -Match '^Name\s+PolicyName\s+Rule\s+Description\s*$'
        $text | Should -Match 'DenyMarketplace\s+MarketplaceGuard-DenyMarketplace\s+1 Explicitly deny every'
        $text | Should -Not -Match 'Statement' -Because 'the document is not part of the table'
    }
}
