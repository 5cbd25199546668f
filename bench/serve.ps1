<#
.SYNOPSIS
Serves an existing image over iSCSI for benchmarks: vios1 with one server adapter that accepts
any initiator, the image as LUN 0, on -Portal until SIGTERM or Ctrl+C. Prints "TARGET <iqn>"
before it starts serving.
#>
param(
    [Parameter(Mandatory)] [string] $SystemPath,
    [Parameter(Mandatory)] [string] $Image,
    [string] $Portal = '127.0.0.1:3260'
)
$ErrorActionPreference = 'Stop'
$PSDefaultParameterValues['*-VScsi*:SystemPath'] = $SystemPath
$null = New-VScsiPartition -Name vios1 -Type Vios
$null = New-VScsiServerAdapter -Partition vios1 -Slot 11
$null = New-VScsiVirtualDisk -Partition vios1 -Name bench -Path $Image
$null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice bench
[Console]::Out.WriteLine("TARGET $((Get-VScsiServerAdapter -Partition vios1).IscsiName)")
[Console]::Out.Flush()
Start-VScsiPartition -Name vios1 -IscsiPortal $Portal -Wait
