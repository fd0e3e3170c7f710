@{
    # Import from a checkout after building (see README). The build lays the compiled module out in artifacts/module
    # and writes its manifest from this file, with the NestedModules line below replaced by the RootModule (the
    # cmdlet assembly) and FormatsToProcess; loading that folder as a nested module lets Get-Help find the compiled
    # help and about topics there. artifacts/module is also the installable module.
    NestedModules        = @('artifacts/module/MarketplaceGuard.psd1')
    ModuleVersion        = '0.1.0'
    GUID                 = '3c9f4e52-8d1a-4f0e-9b7e-5a2d6c41e7b3'
    Author               = 'MarketplaceGuard contributors'
    CompanyName          = 'MarketplaceGuard'
    Copyright            = '(c) MarketplaceGuard contributors. All rights reserved.'
    Description          = 'Applies and audits least-privilege access to AWS Marketplace with IAM: only the procurement team may subscribe, billing may only view, everyone else is explicitly denied.'
    # The engine runs on .NET 10 in a private AssemblyLoadContext: PowerShell 7.6 or later.
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @(
        'Get-MarketplacePolicyTemplate'
        'Test-MarketplacePolicy'
        'Get-MarketplaceAccess'
        'Test-MarketplaceLeastPrivilege'
        'Export-MarketplaceAuditReport'
        'Import-MarketplaceAuditReport'
        'Export-MarketplaceAuthorizationSnapshot'
        'Export-MarketplaceOrganizationSnapshot'
        'Grant-MarketplaceProcurement'
        'Revoke-MarketplaceAccess'
        'Remove-MarketplaceAccess'
        'Get-MarketplacePaidResource'
        'Protect-MarketplacePaidResource'
        'Get-MarketplaceAgreement'
        'Get-MarketplaceProcurementReport'
        'New-MarketplaceGuardrailPolicy'
        'Set-MarketplaceGuardrail'
        'Remove-MarketplaceGuardrail'
    )
    FunctionsToExport    = @(
        'Assert-MarketplacePaidImageProtected'
        'Assert-NoExpiringMarketplaceAgreement'
        'Assert-NoMarketplaceBillingLeak'
        'Invoke-MarketplaceAudit'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('AWS', 'Marketplace', 'IAM', 'LeastPrivilege', 'Security', 'Audit')
        }
    }
}
