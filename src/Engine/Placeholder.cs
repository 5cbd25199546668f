namespace VScsi.Engine;
internal static class Placeholder { }
