using RLMix.Training;

namespace RLMix.Agents.Tests;

/// <summary>RLMix.Core's methods plus RL-Mix, as the CLI builds them.</summary>
internal static class TestMethods
{
    public static MethodCatalog Catalog => RLMixMethod.AddTo(RLMix.Methods.BuiltInMethods.Catalog());
}
