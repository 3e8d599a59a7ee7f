using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Training;

namespace RLMix.Methods;

/// <summary>RLMix.Core's training methods as a <see cref="MethodCatalog"/>.</summary>
public static class BuiltInMethods
{
    /// <summary>
    /// vanilla, mixup, cutmix, rmix, comixup and lamix, each built from its section of the run's
    /// <see cref="MethodSettings"/> (absent section: the method's paper defaults). RL-Mix lives in RLMix.Agents,
    /// which adds itself to this catalogue.
    /// </summary>
    public static MethodCatalog Catalog() => MethodCatalog.Empty
        .With<VanillaOptions>("vanilla", _ => new VanillaMethod())
        .With<MixupOptions>("mixup", o => new MixerMethod(new InputMixup(o)))
        .With<CutMixOptions>("cutmix", o => new MixerMethod(new CutMix(o)))
        .With<RMixOptions>("rmix", o => new MixerMethod(new RMixMixer(o), o.Loss))
        .With<LaMixOptions>("lamix", o => new LaMixMethod(o))
        .With<CoMixupOptions>("comixup", o =>
        {
            o.Validate();
            return new CoMixupMethod(o);
        });
}
