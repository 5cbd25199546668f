<#
.SYNOPSIS
Builds, tests and packages the VScsi module.

.DESCRIPTION
-Task Build    builds the solution.
-Task Package  builds, then assembles output/VScsi/<version>/, a module folder ready for Import-Module.
-Task Test     packages, then runs every test (engine, cmdlets through a hosted PowerShell, and the
               Pester-syntax acceptance scenarios in tests/Acceptance), and prints one line
               "N passed, N failed, N skipped". With real Pester 5 installed (pwsh), the acceptance
               files also run under Invoke-Pester against the packaged module.

Runs in pwsh 7.4+ and inside the bundled `vscsi` host, so it uses only the PowerShell language,
.NET calls and `dotnet` (no Utility/Management cmdlets).

.EXAMPLE
./vscsi -File build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$solution = [IO.Path]::Combine($root, 'VScsi.PowerShell.sln')
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Say([string] $text) { [Console]::Out.WriteLine($text) }

function Invoke-Dotnet([string[]] $arguments) {
    & dotnet @arguments | Out-Default
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    $manifest = [IO.File]::ReadAllText([IO.Path]::Combine($root, 'module', 'VScsi.psd1'))
    $match = [regex]::Match($manifest, "ModuleVersion\s*=\s*'([^']+)'")
    if (-not $match.Success) { throw 'module/VScsi.psd1 has no ModuleVersion.' }
    $match.Groups[1].Value
}

function Invoke-Build {
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '-nologo', '-v', 'q')
    # The MAML help is generated from module/help/*.md and the compiled cmdlets; it must be current.
    Invoke-Dotnet @('run', '--project', [IO.Path]::Combine($root, 'tools', 'HelpGen'), '--no-build', '-c', $Configuration, '--', $root, '--check')
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    $source = [IO.Path]::Combine($root, 'src', 'Cmdlets', 'bin', $Configuration, 'net8.0')
    $target = [IO.Path]::Combine($root, 'output', 'VScsi', $version)
    if ([IO.Directory]::Exists($target)) { [IO.Directory]::Delete($target, $true) }
    foreach ($file in [IO.Directory]::GetFiles($source, '*', [IO.SearchOption]::AllDirectories)) {
        if ($file.EndsWith('.pdb')) { continue }
        $destination = [IO.Path]::Combine($target, [IO.Path]::GetRelativePath($source, $file))
        $null = [IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($destination))
        [IO.File]::Copy($file, $destination, $true)
    }
    $null = Test-ModuleManifest -Path ([IO.Path]::Combine($target, 'VScsi.psd1'))
    Say "Module packaged: $target"
    $target
}

# Counts the outcomes in the TRX files dotnet test wrote.
function Get-TrxCounts([string] $directory) {
    $counts = @{ passed = 0; failed = 0; skipped = 0 }
    foreach ($file in [IO.Directory]::GetFiles($directory, '*.trx')) {
        [xml] $trx = [IO.File]::ReadAllText($file)
        foreach ($result in $trx.TestRun.Results.UnitTestResult) {
            switch ($result.outcome) {
                'Passed' { $counts.passed++ }
                'NotExecuted' { $counts.skipped++ }
                default { $counts.failed++ }
            }
        }
    }
    $counts
}

function Invoke-Test {
    $modulePath = Invoke-Package
    $results = [IO.Path]::Combine($root, 'output', 'test-results')
    if ([IO.Directory]::Exists($results)) { [IO.Directory]::Delete($results, $true) }
    & dotnet test $solution -c $Configuration --no-build --logger trx --results-directory $results | Out-Default
    $testExit = $LASTEXITCODE
    $counts = Get-TrxCounts $results

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 }
    if ($pester) {
        Import-Module ([IO.Path]::Combine($modulePath, 'VScsi.psd1')) -Force
        $run = Invoke-Pester -Path ([IO.Path]::Combine($root, 'tests', 'Acceptance')) -PassThru
        $counts.passed += $run.PassedCount
        $counts.failed += $run.FailedCount
        $counts.skipped += $run.SkippedCount
    }
    if ($testExit -ne 0 -and $counts.failed -eq 0) { $counts.failed++ } # a crash that wrote no result still fails
    Say "$($counts.passed) passed, $($counts.failed) failed, $($counts.skipped) skipped"
    if ($counts.failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { $null = Invoke-Package }
    'Test' { Invoke-Test }
}
