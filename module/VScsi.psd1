@{
    RootModule           = 'VScsi.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e7c1e-2f4d-4a57-9a2e-6c1d3f8e9b41'
    Author               = 'VScsi developers'
    CompanyName          = 'VScsi'
    Copyright            = '(c) VScsi developers'
    Description          = 'Virtual SCSI adapters between logical partitions, the way PowerVM''s Virtual I/O Server does it: partitions, HMC-style profiles, server and client adapters.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VScsi.format.ps1xml')
    CmdletsToExport      = @(
        'Get-VScsiSystem'
        'New-VScsiPartition'
        'Get-VScsiPartition'
        'Set-VScsiPartition'
        'Remove-VScsiPartition'
        'Start-VScsiPartition'
        'Get-VScsiIscsiSession'
        'Stop-VScsiPartition'
        'New-VScsiPartitionProfile'
        'Get-VScsiPartitionProfile'
        'Set-VScsiPartitionProfile'
        'Remove-VScsiPartitionProfile'
        'New-VScsiServerAdapter'
        'Set-VScsiServerAdapter'
        'Set-VScsiClientAdapter'
        'Get-VScsiServerAdapter'
        'Remove-VScsiServerAdapter'
        'New-VScsiClientAdapter'
        'Get-VScsiClientAdapter'
        'Remove-VScsiClientAdapter'
        'Test-VScsiConfiguration'
        'New-VScsiVirtualDisk'
        'Get-VScsiVirtualDisk'
        'Remove-VScsiVirtualDisk'
        'Resize-VScsiVirtualDisk'
        'New-VScsiStoragePool'
        'Get-VScsiStoragePool'
        'Remove-VScsiStoragePool'
        'New-VScsiBackingDevice'
        'Get-VScsiBackingDevice'
        'Resize-VScsiBackingDevice'
        'Remove-VScsiBackingDevice'
        'Add-VScsiTargetDevice'
        'Get-VScsiMapping'
        'Remove-VScsiTargetDevice'
        'Connect-VScsiClient'
        'Disconnect-VScsiClient'
        'Get-VScsiClientDevice'
        'Read-VScsiBlock'
        'Write-VScsiBlock'
        'Invoke-VScsiCommand'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('VScsi', 'SCSI', 'iSCSI', 'PowerVM', 'VIOS', 'Storage')
        }
    }
}
