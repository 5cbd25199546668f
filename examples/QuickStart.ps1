<#
.SYNOPSIS
The quick-start scenario: a managed system in a temporary folder where a Virtual I/O Server
partition serves disks to two client partitions and a second VIOS serves a tape to the first.

.EXAMPLE
./vscsi -File examples/QuickStart.ps1
#>
param(
    # Where to create the managed system; a new temporary folder by default.
    [string] $SystemPath = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'vscsi-quickstart-' + [Guid]::NewGuid().ToString('N').Substring(0, 8))
)
$ErrorActionPreference = 'Stop'
$PSDefaultParameterValues['*-VScsi*:SystemPath'] = $SystemPath

# Partitions: two Virtual I/O Servers and two AIX/Linux clients.
$null = New-VScsiPartition -Name vios1 -Type Vios
$null = New-VScsiPartition -Name vios2 -Type Vios
$null = New-VScsiPartition -Name lpar2 -Type AixLinux
$null = New-VScsiPartition -Name lpar3 -Type AixLinux

# vios1 serves disks: server slot 11 to lpar2 slot 3, server slot 12 to lpar3 slot 3.
$null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3
$null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -Required
$null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3
$null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -Required

# vios2 serves a tape to vios1, written in HMC profile syntax.
Set-VScsiPartitionProfile -Partition vios2 -Name default_profile -VirtualScsiAdapters '21/server/1/vios1/5/0'
Set-VScsiPartitionProfile -Partition vios1 -Name default_profile -VirtualScsiAdapters 'virtual_scsi_adapters+=5/client/2/vios2/21/0'

# Activate the servers first, then the clients.
'vios1', 'vios2', 'lpar2', 'lpar3' | Start-VScsiPartition

# Each listing goes through Out-Default on its own, so each gets its own table.
"Managed system in $SystemPath"
Get-VScsiPartition | Out-Default
Get-VScsiServerAdapter | Out-Default
Get-VScsiClientAdapter | Out-Default
Get-VScsiPartitionProfile | Out-Default
$findings = @(Test-VScsiConfiguration)
"Configuration check: $($findings.Count) problem(s)."
$findings | Out-Default
