# Helpers the acceptance files share; dot-source it in BeforeAll: . ([IO.Path]::Combine($PSScriptRoot, 'TestTools.ps1'))

# Runs a program in $folder; returns its standard output, throws with its standard error when it fails.
function Invoke-Tool([string] $program, [string[]] $arguments, [string] $folder = [IO.Path]::GetTempPath()) {
    $start = [Diagnostics.ProcessStartInfo]::new($program)
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.WorkingDirectory = $folder
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    $stderr = $process.StandardError.ReadToEndAsync()
    $stdout = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    if ($process.ExitCode -ne 0) { throw "$program failed ($($process.ExitCode)): $($stderr.Result)" }
    $stdout
}
