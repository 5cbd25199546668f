# The scenario of the reference text (shared by IBM's "Virtual SCSI adapters" page): partition A
# (Vios) provides disk space to B, C and D; A and B use a tape drive connected to D, so D (Vios)
# serves A while A serves D. Server adapters can be created only in Vios and IbmI partitions.

BeforeAll {
    Register-VScsiShouldOperator   # -BePairedWith (about_VScsi_Pester), when VScsi was imported before Pester
}

Describe 'Reference scenario: A serves disks to B, C and D; D serves a tape to A and B' {
    BeforeAll {
        $sys = Join-Path $TestDrive 'system'   # the Its only read it, or put it back as they found it
        $null = New-VScsiPartition -Name A -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name B -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name C -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name D -Type Vios -SystemPath $sys

        # Disks: A slot 1x serves the client adapter in slot 2 of B, C and D.
        $slot = 11
        foreach ($client in 'B', 'C', 'D') {
            $null = New-VScsiServerAdapter -Partition A -Slot $slot -RemotePartition $client -RemoteSlot 2 -SystemPath $sys
            $null = New-VScsiClientAdapter -Partition $client -Slot 2 -RemotePartition A -RemoteSlot $slot -Required -SystemPath $sys
            $slot++
        }
        # Tape: D serves A (slot 21) and B (slot 22).
        $null = New-VScsiServerAdapter -Partition D -Slot 21 -RemotePartition A -RemoteSlot 5 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition A -Slot 5 -RemotePartition D -RemoteSlot 21 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition D -Slot 22 -RemotePartition B -RemoteSlot 5 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition B -Slot 5 -RemotePartition D -RemoteSlot 22 -SystemPath $sys
    }

    AfterAll {
        if ([IO.Directory]::Exists($sys)) { [IO.Directory]::Delete($sys, $true) }
    }

    It 'A has three server adapters, one for each of B, C and D' {
        $servers = @(Get-VScsiServerAdapter -Partition A -SystemPath $sys)
        $servers | Should -HaveCount 3
        ($servers | ForEach-Object RemotePartition) -join ',' | Should -Be 'B,C,D'
        ($servers | ForEach-Object Name) -join ',' | Should -Be 'vhost0,vhost1,vhost2'
    }

    It 'every adapter of every partition is paired' {
        $all = @(Get-VScsiPartition -SystemPath $sys | Get-VScsiServerAdapter) + @(Get-VScsiPartition -SystemPath $sys | Get-VScsiClientAdapter)
        $all | Should -HaveCount 10
        @($all | Where-Object Status -ne 'Paired') | Should -HaveCount 0
    }

    It 'A serves D for disk space while D serves A for the tape' {
        Get-VScsiServerAdapter -Partition A -Slot 13 -SystemPath $sys | Should -BePairedWith 'D/vscsi0'
        Get-VScsiClientAdapter -Partition A -SystemPath $sys | Should -BePairedWith 'D/vhost0'
    }

    It 'B uses virtual I/O from two servers at once' {
        $b = @(Get-VScsiClientAdapter -Partition B -SystemPath $sys)
        $b | Should -HaveCount 2
        $b[0] | Should -BePairedWith 'A/vhost0'
        $b[1] | Should -BePairedWith 'D/vhost1'
    }

    It 'finds no configuration problems' {
        @(Test-VScsiConfiguration -SystemPath $sys) | Should -HaveCount 0
        Test-VScsiConfiguration -Quiet -SystemPath $sys | Should -BeTrue
    }

    It 'refuses a server adapter in B, an AIX/Linux partition' {
        { New-VScsiServerAdapter -Partition B -Slot 30 -SystemPath $sys -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServerAdapterRequiresServerPartition,*'
        @(Get-VScsiServerAdapter -Partition B -SystemPath $sys) | Should -HaveCount 0
    }

    It 'prints the profile of <Partition> in HMC syntax' -ForEach @(
        @{ Partition = 'A'; Adapters = '11/server/2/B/2/0,12/server/3/C/2/0,13/server/4/D/2/0,5/client/4/D/21/0' }
        @{ Partition = 'B'; Adapters = '2/client/1/A/11/1,5/client/4/D/22/0' }
    ) {
        (Get-VScsiPartitionProfile -Partition $Partition -SystemPath $sys).VirtualScsiAdapters | Should -Be $Adapters
    }

    It 'activates the servers, then the clients whose required adapters pair' {
        'A', 'D', 'B', 'C' | Start-VScsiPartition -SystemPath $sys
        @(Get-VScsiPartition -State Running -SystemPath $sys) | Should -HaveCount 4
        'A', 'D', 'B', 'C' | Stop-VScsiPartition -SystemPath $sys
        @(Get-VScsiPartition -State Running -SystemPath $sys) | Should -HaveCount 0
    }

    It 'refuses to remove A while its clients still point at it' {
        { Remove-VScsiPartition -Name A -Confirm:$false -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'PartitionHasPairedAdapters,*'
        (Get-VScsiPartition -Name A -SystemPath $sys).Name | Should -Be 'A'
    }
}
