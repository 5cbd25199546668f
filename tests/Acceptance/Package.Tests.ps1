# Issue 11's installable module: the .nupkg that build.ps1 -Task Package writes installs with
# PSResourceGet from a local folder repository into a fresh pwsh, and Import-Module VScsi then works
# with no path. The child pwsh gets a temporary HOME (and XDG folders), so the repository it
# registers and the module it installs live in TestDrive, never in the real user's configuration.

Describe 'The packaged module installs with PSResourceGet' {
    BeforeAll {
        $root = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..'))
        $version = (Import-PowerShellDataFile ([IO.Path]::Combine($root, 'module', 'VScsi.psd1'))).ModuleVersion
        $nupkg = [IO.Path]::Combine($root, 'output', 'packages', "VScsi.$version.nupkg")

        # Runs script text in a new pwsh (this same PowerShell) in $folder with $environment changes; returns its output lines.
        function Invoke-IsolatedPwsh([string] $script, [string] $folder, [hashtable] $environment) {
            $pwshDll = Join-Path $PSHOME 'pwsh.dll'
            $viaDotnet = (Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*' -and (Test-Path $pwshDll)
            $start = [Diagnostics.ProcessStartInfo]::new($(if ($viaDotnet) { [Environment]::ProcessPath } else { Join-Path $PSHOME 'pwsh' }))
            if ($viaDotnet) { $start.ArgumentList.Add($pwshDll) }
            foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', $script) { $start.ArgumentList.Add($a) }
            foreach ($name in $environment.Keys) {
                if ($null -eq $environment[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = $environment[$name] }
            }
            $start.WorkingDirectory = $folder
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $process = [Diagnostics.Process]::Start($start)
            $stderr = $process.StandardError.ReadToEndAsync()
            $stdout = $process.StandardOutput.ReadToEnd()
            if (-not $process.WaitForExit(180000)) { $process.Kill($true); throw 'the child pwsh did not finish in 180 s' }
            # Escape sequences in a message would make the JUnit XML invalid.
            if ($process.ExitCode -ne 0) { throw "the child pwsh failed ($($process.ExitCode)): $($stderr.Result)$stdout" -replace '\x1b\[[0-9;]*[A-Za-z]', '' }
            $stdout -split "`r?`n" | Where-Object { $_ }
        }
    }

    It 'Install-PSResource from a local repository, then Import-Module VScsi with no path' {
        $nupkg | Should -Exist -Because 'build.ps1 -Task Package writes the .nupkg'
        $repository = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'repository')
        Copy-Item $nupkg $repository.FullName
        $home2 = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'home')
        # .NET reports a special folder that does not exist as '' and PSResourceGet would then keep its
        # repository store relative to the current folder: the XDG folders must exist.
        $xdg = @{
            XDG_DATA_HOME   = [IO.Path]::Combine($home2.FullName, '.local', 'share')
            XDG_CONFIG_HOME = [IO.Path]::Combine($home2.FullName, '.config')
            XDG_CACHE_HOME  = [IO.Path]::Combine($home2.FullName, '.cache')
        }
        foreach ($folder in $xdg.Values) { $null = New-Item -ItemType Directory -Path $folder -Force }
        $system = Join-Path $TestDrive 'system'
        $userConfig = [IO.Path]::Combine([Environment]::GetFolderPath('LocalApplicationData'), 'PSResourceGet', 'PSResourceRepository.xml')
        $before = if (Test-Path $userConfig) { (Get-FileHash $userConfig).Hash } else { 'absent' }

        $lines = Invoke-IsolatedPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name local -Uri '$($repository.FullName)' -Trusted
Install-PSResource -Name VScsi -Repository local -Scope CurrentUser
Import-Module VScsi
`$module = Get-Module VScsi
`$module.Version.ToString()
`$module.ModuleBase
(Get-PSResourceRepository -Name local).Uri.LocalPath
(New-VScsiPartition -Name vios1 -Type Vios -SystemPath '$system').Name
(Export-VScsiTopology -SystemPath '$system') -match 'subgraph g1\["vios1"\]'
"@ $home2.FullName ($xdg + @{ HOME = $home2.FullName; PSModulePath = $null; NO_COLOR = '1' })

        $lines[0] | Should -Be $version
        $lines[1] | Should -BeLike "$($home2.FullName)*" -Because 'the module came from the CurrentUser scope of the temporary HOME'
        $lines[1] | Should -Not -BeLike "$root*"
        [IO.Path]::Combine($lines[1], 'VScsi.psd1') | Should -Exist
        $lines[2].TrimEnd('/') | Should -Be $repository.FullName.TrimEnd('/')
        $lines[3] | Should -Be 'vios1'
        $lines[4] | Should -Be 'True'
        [IO.Path]::Combine($xdg.XDG_DATA_HOME, 'PSResourceGet', 'PSResourceRepository.xml') | Should -FileContentMatch 'Name="local"' -Because 'the repository was registered in the temporary HOME'
        $after = if (Test-Path $userConfig) { (Get-FileHash $userConfig).Hash } else { 'absent' }
        $after | Should -Be $before -Because "the real user's PSResourceGet repositories are left alone"
    }

    It 'carries the manifest metadata a gallery shows, and no link to a page that does not exist' {
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entries = $zip.Entries.FullName
            $nuspec = [xml] [IO.StreamReader]::new($zip.GetEntry('VScsi.nuspec').Open()).ReadToEnd()
        } finally { $zip.Dispose() }
        $entries | Should -Contain 'VScsi.psd1'
        $entries | Should -Contain 'VScsi.PowerShell.dll'
        $entries | Should -Contain 'en-US/VScsi.PowerShell.dll-Help.xml'
        $metadata = $nuspec.package.metadata
        $metadata.id | Should -Be 'VScsi'
        $metadata.version | Should -Be $version
        $metadata.tags -split ' ' | Should -Contain 'iSCSI'
        $metadata.releaseNotes | Should -Match 'Export-VScsiTopology'
        $metadata.description | Should -Match 'iSCSI'
        $manifest = Import-PowerShellDataFile ([IO.Path]::Combine($root, 'module', 'VScsi.psd1'))
        $manifest.Keys | Should -Not -Contain 'HelpInfoUri' -Because 'there is no online help page (Update-Help would fail)'
        if (-not (Get-ChildItem $root -Filter 'LICENSE*')) {
            $manifest.PrivateData.PSData.Keys | Should -Not -Contain 'LicenseUri' -Because 'the repository has no LICENSE file to point at'
        }
        Get-ChildItem ([IO.Path]::Combine($root, 'module', 'help')) -Filter *.md | Select-String -Pattern 'https?://' | Should -BeNullOrEmpty
    }
}
