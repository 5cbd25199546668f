# Should operators for Pester users (about_VScsi_Pester): assertions that read like the storage
# they check. Registered on import when Pester is already loaded, or by Register-VScsiShouldOperator.
# Each test function follows Pester's Add-ShouldOperator contract: it gets -ActualValue, -Negate and
# the operator's own parameters, and returns an object with Succeeded and FailureMessage.

function Get-VScsiBecause([string] $Because) {
    if ([string]::IsNullOrWhiteSpace($Because)) { return '' }
    ' because ' + ($Because.Trim() -replace '^because\s+', '') + ','
}

function Get-VScsiTypeName($Value) {
    if ($null -eq $Value) { return '$null' }
    $names = $Value.PSObject.TypeNames
    ($names | Where-Object { $_ -notlike 'Deserialized.*' } | Select-Object -First 1) -replace '^.*\.', ''
}

function Test-VScsiObject($Value, [string[]] $Property) {
    if ($null -eq $Value) { return $false }
    foreach ($name in $Property) {
        if ($null -eq $Value.PSObject.Properties[$name]) { return $false }
    }
    $true
}

function New-VScsiAssertionResult([bool] $Succeeded, [string] $FailureMessage) {
    [pscustomobject]@{ Succeeded = $Succeeded; FailureMessage = if ($Succeeded) { $null } else { $FailureMessage } }
}

# Should -BePairedWith 'vios1/vhost0': the adapter (client or server) is paired with that partner.
function Should-VScsiBePairedWith($ActualValue, $ExpectedValue, [switch] $Negate, [string] $Because, $CallerSessionState) {
    $because = Get-VScsiBecause $Because
    if (-not (Test-VScsiObject $ActualValue 'Partition', 'Name', 'Status', 'PairedWith')) {
        return New-VScsiAssertionResult $false "Expected a VScsi adapter (from Get-VScsiClientAdapter or Get-VScsiServerAdapter) to test -BePairedWith,$because but got $(Get-VScsiTypeName $ActualValue)."
    }
    $expected = if (Test-VScsiObject $ExpectedValue 'Partition', 'Name') { "$($ExpectedValue.Partition)/$($ExpectedValue.Name)" } else { [string] $ExpectedValue }
    $self = "$($ActualValue.Partition)/$($ActualValue.Name)"
    $paired = "$($ActualValue.Status)" -eq 'Paired'
    $isMatch = $paired -and [string]::Equals($ActualValue.PairedWith, $expected, [StringComparison]::OrdinalIgnoreCase)
    if ($Negate) {
        return New-VScsiAssertionResult (-not $isMatch) "Expected adapter $self not to be paired with $expected,$because but it is."
    }
    $actual = if ($paired) { "it is paired with $($ActualValue.PairedWith)" }
        else { "it is $($ActualValue.Status)" + $(if ($ActualValue.Problem) { ": $($ActualValue.Problem)" } else { '' }) }
    New-VScsiAssertionResult $isMatch "Expected adapter $self to be paired with $expected,$because but $actual."
}

# Should -HaveMapping -BackingDevice d1 [-Lun 1]: a server adapter maps that backing device (at that LUN).
function Should-VScsiHaveMapping($ActualValue, [string] $BackingDevice, $Lun, [switch] $Negate, [string] $Because, $CallerSessionState) {
    $because = Get-VScsiBecause $Because
    if (-not (Test-VScsiObject $ActualValue 'Partition', 'Name', 'SystemPath', 'IscsiName')) {
        return New-VScsiAssertionResult $false "Expected a server adapter (from Get-VScsiServerAdapter) to test -HaveMapping,$because but got $(Get-VScsiTypeName $ActualValue)."
    }
    $self = "$($ActualValue.Partition)/$($ActualValue.Name)"
    $devices = @(VScsi\Get-VScsiMapping -Partition $ActualValue.Partition -ServerAdapter $ActualValue.Name -SystemPath $ActualValue.SystemPath |
            Where-Object { $null -ne $_.Device })
    $wanted = @($devices | Where-Object {
            (-not $BackingDevice -or [string]::Equals($_.BackingDevice, $BackingDevice, [StringComparison]::OrdinalIgnoreCase)) -and
            ($null -eq $Lun -or $_.Lun -eq $Lun) })
    $what = @(
        if ($BackingDevice) { "backing device $BackingDevice" } else { 'a device' }
        if ($null -ne $Lun) { "at LUN $Lun" }
    ) -join ' '
    $listed = if ($devices.Count -eq 0) { 'no devices' }
        else { ($devices | ForEach-Object { "$($_.Device) -> $(if ($_.BackingDevice) { $_.BackingDevice } else { '(empty)' }) at LUN $($_.Lun)" }) -join ', ' }
    if ($Negate) {
        return New-VScsiAssertionResult ($wanted.Count -eq 0) "Expected server adapter $self not to map $what,$because but it maps $(($wanted | ForEach-Object { "$($_.Device) at LUN $($_.Lun)" }) -join ', ')."
    }
    New-VScsiAssertionResult ($wanted.Count -gt 0) "Expected server adapter $self to map $what,$because but it maps $listed."
}

# Should -BeServedTo lpar2: a virtual disk or backing device is mapped to a server adapter paired with that client partition.
function Should-VScsiBeServedTo($ActualValue, $ExpectedValue, [switch] $Negate, [string] $Because, $CallerSessionState) {
    $because = Get-VScsiBecause $Because
    if (-not (Test-VScsiObject $ActualValue 'Name', 'Partition', 'SystemPath', 'MappedAs')) {
        return New-VScsiAssertionResult $false "Expected a virtual disk (from Get-VScsiVirtualDisk or Get-VScsiBackingDevice) to test -BeServedTo,$because but got $(Get-VScsiTypeName $ActualValue)."
    }
    $client = if (Test-VScsiObject $ExpectedValue 'Name', 'Type') { $ExpectedValue.Name } else { [string] $ExpectedValue }
    $disk = "$($ActualValue.Partition)/$($ActualValue.Name)"
    $routes = @(
        foreach ($m in VScsi\Get-VScsiMapping -Partition $ActualValue.Partition -SystemPath $ActualValue.SystemPath) {
            if (-not [string]::Equals($m.BackingDevice, $ActualValue.Name, [StringComparison]::OrdinalIgnoreCase)) { continue }
            $server = VScsi\Get-VScsiServerAdapter -Partition $m.Partition -Name $m.ServerAdapter -SystemPath $ActualValue.SystemPath
            $to = if ("$($server.Status)" -eq 'Paired') { ($server.PairedWith -split '/')[0] } else { $null }
            [pscustomobject]@{
                Client = $to
                Text   = if ($to) { "$to (through $($m.Partition)/$($m.ServerAdapter), $($m.Device))" }
                         else { "nobody through $($m.Partition)/$($m.ServerAdapter), which is $($server.Status)" + $(if ($server.Problem) { ": $($server.Problem)" } else { '' }) }
            }
        })
    $served = @($routes | Where-Object { [string]::Equals($_.Client, $client, [StringComparison]::OrdinalIgnoreCase) })
    if ($Negate) {
        return New-VScsiAssertionResult ($served.Count -eq 0) "Expected disk $disk not to be served to $client,$because but it is served to $(($served | ForEach-Object Text) -join '; ')."
    }
    $actual = if ($routes.Count -eq 0) { 'it is not mapped to any server adapter' } else { "it is served to $(($routes | ForEach-Object Text) -join '; ')" }
    New-VScsiAssertionResult ($served.Count -gt 0) "Expected disk $disk to be served to $client,$because but $actual."
}

$script:Operators = [ordered]@{
    BePairedWith = ${function:Should-VScsiBePairedWith}
    HaveMapping  = ${function:Should-VScsiHaveMapping}
    BeServedTo   = ${function:Should-VScsiBeServedTo}
}

function Register-VScsiShouldOperator {
    # .ExternalHelp VScsi.PowerShell.dll-Help.xml
    [CmdletBinding()]
    [OutputType([void])]
    param()
    $add = Get-Command -Name Add-ShouldOperator -CommandType Function -ErrorAction Ignore | Select-Object -First 1
    if (-not $add) {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new(
                [System.InvalidOperationException]::new('Pester is not loaded, so there is no Should to add operators to. Import-Module Pester (5 or later) first.'),
                'PesterNotLoaded', [System.Management.Automation.ErrorCategory]::ObjectNotFound, $null))
    }
    $registered = @(Get-ShouldOperator | ForEach-Object Name)
    foreach ($name in $script:Operators.Keys) {
        if ($registered -contains $name) { continue }
        & $add -Name $name -Test $script:Operators[$name] -InternalName "Should-VScsi$name"
    }
}

if (Get-Command -Name Add-ShouldOperator -CommandType Function -ErrorAction Ignore) {
    Register-VScsiShouldOperator
}
