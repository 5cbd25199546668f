# A test owns a throw-away managed system (New-VScsiSystem in TestDrive:) and asserts on it with
# the VScsi Should operators (about_VScsi_Pester): -BePairedWith, -HaveMapping, -BeServedTo.

BeforeAll {
    Register-VScsiShouldOperator   # when VScsi was imported before Pester; harmless otherwise
}

BeforeDiscovery {
    $script:missingPaths = @(
        @{ Command = 'Get-VScsiPartition' }
        @{ Command = 'Get-VScsiSystem' }
        @{ Command = 'Test-VScsiConfiguration' }
        @{ Command = 'Get-VScsiMapping' }
    )
}

Describe 'A managed system of its own in TestDrive:' {
    BeforeAll {
        $system = New-VScsiSystem -Path 'TestDrive:\system'
        $sys = $system.SystemPath
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name lpar3 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiStoragePool -Partition vios1 -Name clients -Path (Join-Path $sys 'clients') -Size 64MB -SystemPath $sys
        $null = New-VScsiBackingDevice -Pool clients -Name lpar2_root -Size 16MB -SystemPath $sys
        $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice lpar2_root -SystemPath $sys
    }

    It 'is a new system in the TestDrive: folder' {
        $system.PartitionCount | Should -Be 0
        $system.SystemPath | Should -Be (Join-Path $TestDrive 'system')
        Join-Path $TestDrive 'system' 'system.db' | Should -Exist
    }

    It 'refuses to create a second system over the first' {
        { New-VScsiSystem -Path 'TestDrive:\system' -ErrorAction Stop } | Should -Throw -ErrorId 'SystemExists,*'
    }

    It 'pairs the client adapter of lpar2 with vhost0 of vios1' {
        Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys | Should -BePairedWith 'vios1/vhost0'
        Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Should -BePairedWith 'lpar2/vscsi0'
        Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys | Should -Not -BePairedWith 'lpar3/vscsi0'
    }

    It 'maps lpar2_root on vhost0 and nothing on vhost1' {
        Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Should -HaveMapping -BackingDevice lpar2_root
        Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Should -HaveMapping -BackingDevice lpar2_root -Lun 0
        Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys | Should -Not -HaveMapping
    }

    It 'serves lpar2_root to lpar2 and not to lpar3' {
        Get-VScsiBackingDevice -Name lpar2_root -SystemPath $sys | Should -BeServedTo lpar2
        Get-VScsiBackingDevice -Name lpar2_root -SystemPath $sys | Should -Not -BeServedTo lpar3
    }

    It 'says what is wrong when an assertion fails' {
        { Get-VScsiClientAdapter -Partition lpar2 -SystemPath $sys | Should -BePairedWith 'vios1/vhost1' } |
            Should -Throw 'Expected adapter lpar2/vscsi0 to be paired with vios1/vhost1, but it is paired with vios1/vhost0.'
        { Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys | Should -HaveMapping -BackingDevice lpar2_root } |
            Should -Throw 'Expected server adapter vios1/vhost1 to map backing device lpar2_root, but it maps no devices.'
        { Get-VScsiBackingDevice -Name lpar2_root -SystemPath $sys | Should -BeServedTo lpar3 -Because 'lpar3 boots from it' } |
            Should -Throw 'Expected disk vios1/lpar2_root to be served to lpar3, because lpar3 boots from it, but it is served to lpar2 (through vios1/vhost0, vtscsi0).'
        { Get-VScsiPartition -Name vios1 -SystemPath $sys | Should -BeServedTo lpar2 } |
            Should -Throw 'Expected a virtual disk (from Get-VScsiVirtualDisk or Get-VScsiBackingDevice) to test -BeServedTo, but got VScsiPartition.'
    }

    It 'Remove-VScsiSystem deletes it with its pool and leaves nothing' {
        $other = (New-VScsiSystem -Path 'TestDrive:\throwaway').SystemPath
        $null = New-VScsiPartition -Name vios9 -Type Vios -SystemPath $other
        $null = New-VScsiStoragePool -Partition vios9 -Name p -Path (Join-Path $other 'p') -Size 8MB -SystemPath $other
        $null = New-VScsiBackingDevice -Pool p -Name d -Size 4MB -SystemPath $other
        Remove-VScsiSystem -Path 'TestDrive:\throwaway' -Force
        'TestDrive:\throwaway' | Should -Not -Exist
    }

    It 'Remove-VScsiSystem never deletes a folder that is not a system' {
        $folder = New-Item -ItemType Directory -Path 'TestDrive:\not-a-system'
        Set-Content -Path (Join-Path $folder 'keep.txt') -Value 'mine'
        { Remove-VScsiSystem -Path $folder -Force -ErrorAction Stop } | Should -Throw -ErrorId 'SystemNotFound,*'
        Join-Path $folder 'keep.txt' | Should -Exist
    }
}

Describe 'A -SystemPath that holds no system' {
    It '<Command> refuses it with SystemNotFound and creates nothing' -ForEach $missingPaths {
        $typo = Join-Path $TestDrive "nosuch-$Command"
        { & $Command -SystemPath $typo -ErrorAction Stop } | Should -Throw -ErrorId 'SystemNotFound,*'
        $typo | Should -Not -Exist
    }

    It 'a file as -SystemPath is SystemPathNotAFolder' {
        $file = Join-Path $TestDrive 'a-file'
        Set-Content -Path $file -Value 'not a folder'
        { Get-VScsiPartition -SystemPath $file -ErrorAction Stop } | Should -Throw -ErrorId 'SystemPathNotAFolder,*'
    }

    It 'New-VScsiPartition starts a system in a new folder, not in one with other files' {
        $new = Join-Path $TestDrive 'fresh'
        (New-VScsiPartition -Name vios1 -Type Vios -SystemPath $new).Name | Should -Be 'vios1'
        $busy = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'busy')
        Set-Content -Path (Join-Path $busy 'notes.txt') -Value 'mine'
        { New-VScsiPartition -Name vios1 -Type Vios -SystemPath $busy -ErrorAction Stop } | Should -Throw -ErrorId 'SystemFolderNotEmpty,*'
    }
}
