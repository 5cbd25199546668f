namespace VScsi.PowerShell;
internal static class Placeholder { }
