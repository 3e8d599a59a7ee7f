using RLMix.Training;

namespace RLMix.Experiments.Tests;

/// <summary>RLMix.Core's methods plus RL-Mix, as the CLI builds them (a fresh value per use).</summary>
internal static class TestMethods
{
    public static MethodCatalog Catalog => Agents.RLMixMethod.AddTo(RLMix.Methods.BuiltInMethods.Catalog());
}
