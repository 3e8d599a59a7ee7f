using RLMix.Training;

namespace RLMix.Core.Tests;

/// <summary>The catalogue of RLMix.Core's methods that the tests run with (a fresh value: nothing a test adds leaks into another).</summary>
internal static class TestMethods
{
    public static MethodCatalog Catalog => RLMix.Methods.BuiltInMethods.Catalog();
}
