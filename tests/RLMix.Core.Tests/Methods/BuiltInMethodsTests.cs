using RLMix.Methods;
using RLMix.Training;

namespace RLMix.Core.Tests.Methods;

public sealed class BuiltInMethodsTests
{
    [Fact]
    public void RegisterAll_RegistersEveryBuiltInMethod()
    {
        BuiltInMethods.RegisterAll();
        BuiltInMethods.RegisterAll(); // idempotent
        Assert.All(new[] { "vanilla", "mixup", "cutmix", "rmix", "lamix" }, n => Assert.Contains(n, MethodRegistry.Names));
    }
}
