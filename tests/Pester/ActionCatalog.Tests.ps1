BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:CatalogDir = Join-Path $RepoRoot 'src/MarketplaceGuard.Engine/Catalog'
    $script:Script = Join-Path $CatalogDir 'Update-ActionCatalog.ps1'
}

Describe 'Update-ActionCatalog.ps1' {
    It 'regenerates the embedded catalog byte for byte from the committed sources' {
        $out = Join-Path $TestDrive 'catalog.json'
        & $Script -OutputPath $out 6> $null
        (Get-FileHash $out).Hash | Should -Be (Get-FileHash (Join-Path $CatalogDir 'Data/action-catalog.json')).Hash
    }

    It 'reads AWS service reference documents: access levels from annotations, resources, condition keys, selection' {
        $reference = @{
            Name          = 'demo'
            Actions       = @(
                @{ Name = 'TagThing'; Annotations = @{ Properties = @{ IsList = $false; IsPermissionManagement = $false; IsTaggingOnly = $true; IsWrite = $true } }; Resources = @(@{ Name = 'thing' }); ActionConditionKeys = @('aws:TagKeys', 'aws:RequestTag/${TagKey}') }
                @{ Name = 'ListThings'; Annotations = @{ Properties = @{ IsList = $true; IsPermissionManagement = $false; IsTaggingOnly = $false; IsWrite = $false } } }
                @{ Name = 'GetThing'; Annotations = @{ Properties = @{ IsList = $false; IsPermissionManagement = $false; IsTaggingOnly = $false; IsWrite = $false } }; Resources = @(@{ Name = 'thing' }) }
                @{ Name = 'PutThingPolicy'; Annotations = @{ Properties = @{ IsList = $false; IsPermissionManagement = $true; IsTaggingOnly = $false; IsWrite = $true } }; Resources = @(@{ Name = 'thing' }) }
                @{ Name = 'Ignored'; Annotations = @{ Properties = @{ IsWrite = $true } } }
            )
            Resources     = @(@{ Name = 'thing'; ARNFormats = @('arn:${Partition}:demo:${Region}:${Account}:thing/${Id}'); ConditionKeys = @('aws:ResourceTag/${TagKey}') })
            ConditionKeys = @(@{ Name = 'aws:TagKeys'; Types = @('ArrayOfString') })
        }
        $source = Join-Path $TestDrive 'demo.json'
        $reference | ConvertTo-Json -Depth 8 | Set-Content $source
        $selection = Join-Path $TestDrive 'selection.json'
        '{"demo":["TagThing","ListThings","GetThing","PutThingPolicy"]}' | Set-Content $selection
        $out = Join-Path $TestDrive 'demo-catalog.json'

        & $Script -Path $source -SelectionPath $selection -OutputPath $out 6> $null

        $catalog = Get-Content $out -Raw | ConvertFrom-Json
        $catalog.services | Should -HaveCount 1
        $service = $catalog.services[0]
        $service.prefix | Should -Be 'demo'
        $service.actions.name | Should -Be 'GetThing', 'ListThings', 'PutThingPolicy', 'TagThing'
        $service.actions.accessLevel | Should -Be 'Read', 'List', 'Permissions management', 'Tagging'
        ($service.actions | Where-Object name -EQ 'ListThings').resourceTypes | Should -BeNullOrEmpty
        ($service.actions | Where-Object name -EQ 'TagThing').conditionKeys | Should -Be 'aws:RequestTag/${TagKey}', 'aws:TagKeys'
        $service.resourceTypes[0].arnFormats | Should -Be 'arn:${Partition}:demo:${Region}:${Account}:thing/${Id}'
        $service.conditionKeys[0].types | Should -Be 'ArrayOfString'
    }

    It 'rejects a file that is not a service reference document' {
        $bad = Join-Path $TestDrive 'bad.json'
        '{"actions":{}}' | Set-Content $bad
        { & $Script -Path $bad -OutputPath (Join-Path $TestDrive 'x.json') } | Should -Throw '*is not a service reference document*'
    }

    It 'rejects a selection naming actions the document lacks' {
        $source = Join-Path $TestDrive 'one.json'
        '{"Name":"one","Actions":[{"Name":"A","Annotations":{"Properties":{"IsWrite":true}}}]}' | Set-Content $source
        $selection = Join-Path $TestDrive 'sel.json'
        '{"one":["A","B"]}' | Set-Content $selection
        { & $Script -Path $source -SelectionPath $selection -OutputPath (Join-Path $TestDrive 'y.json') } | Should -Throw '*the selection names actions the document lacks: B*'
    }
}
