using RLMix.Methods;
using RLMix.Training;

namespace RLMix.Core.Tests.Methods;

public sealed class BuiltInMethodsTests
{
    [Fact]
    public void Catalog_HoldsExactlyTheSixCoreMethods_EachCreatingItself()
    {
        var catalog = BuiltInMethods.Catalog();
        Assert.Equal(["comixup", "cutmix", "lamix", "mixup", "rmix", "vanilla"], catalog.Names);
        foreach (var name in catalog.Names)
        {
            using var method = catalog.Create(name, MethodSettings.Defaults);
            Assert.Equal(name, method.Name);
        }
    }

    [Fact]
    public void With_ReturnsANewCatalogue_LeavingTheOriginalAsItWas()
    {
        var core = BuiltInMethods.Catalog();
        var extended = core.With("extra", _ => new VanillaMethod());
        Assert.Contains("extra", extended.Names);
        Assert.DoesNotContain("extra", core.Names);
        Assert.DoesNotContain("extra", BuiltInMethods.Catalog().Names);
        Assert.Contains("Allowed values: comixup, cutmix", Assert.Throws<RLMix.Errors.UsageException>(() => core.Create("extra", MethodSettings.Defaults)).Message);
    }
}
