BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

Describe 'Side by side with AWS.Tools' {
    It 'works when AWS.Tools.Common''s AWSSDK.Core 4.0.x is already loaded' {
        # AWS.Tools.Common loads AWSSDK.Core 4.0.x into the default load context. Every 4.x has assembly version
        # 4.0.0.0, so without isolation the module's 4.1.0 code would bind to the old copy and fail
        # (TypeLoadException for Amazon.Runtime.Signing.SigV4SigningHandler, which 4.0.3.3 lacks).
        $oldCore = Join-Path $TestToolsPath 'AWSSDK.Core-4.0.3.3/AWSSDK.Core.dll'
        $oldCore | Should -Exist
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldCore'
`$default = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' }
'default-core=' + [Diagnostics.FileVersionInfo]::GetVersionInfo(`$default.Location).FileVersion
Import-Module '$ManifestPath'
`$template = Get-MarketplacePolicyTemplate -Name Procurement
'template=' + `$template.PolicyName
`$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$template.GetType().Assembly)
'engine-context=' + `$context.Name
`$ours = `$context.LoadFromAssemblyName([Reflection.AssemblyName]::new('AWSSDK.Core'))
'our-core=' + [Diagnostics.FileVersionInfo]::GetVersionInfo(`$ours.Location).FileVersion
'our-core-has-sigv4-handler=' + [bool]`$ours.GetType('Amazon.Runtime.Signing.SigV4SigningHandler')
'default-core-still=' + [Diagnostics.FileVersionInfo]::GetVersionInfo(([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'AWSSDK.Core' -and [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name -eq 'Default' }).Location).FileVersion
"@
        $output = Invoke-ChildPwsh -Script $script
        $output | Should -Contain 'default-core=4.0.3.3'
        $output | Should -Contain 'template=MarketplaceGuard-Procurement'
        $output | Should -Contain 'engine-context=MarketplaceGuard'
        $output | Should -Contain 'our-core=4.1.0.0'
        $output | Should -Contain 'our-core-has-sigv4-handler=True'
        $output | Should -Contain 'default-core-still=4.0.3.3'
    }
}
