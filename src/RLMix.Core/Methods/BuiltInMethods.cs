using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Training;

namespace RLMix.Methods;

/// <summary>Registers RLMix's built-in training methods in <see cref="MethodRegistry"/>.</summary>
public static class BuiltInMethods
{
    /// <summary>
    /// Registers vanilla, mixup, cutmix, rmix, lamix and comixup, each built from its section of the run's
    /// <see cref="MethodSettings"/> (absent section: the method's paper defaults). Idempotent.
    /// </summary>
    public static void RegisterAll()
    {
        MethodRegistry.Register<VanillaOptions>("vanilla", _ => new VanillaMethod());
        MethodRegistry.Register<MixupOptions>("mixup", o => new MixerMethod(new InputMixup(o)));
        MethodRegistry.Register<CutMixOptions>("cutmix", o => new MixerMethod(new CutMix(o)));
        MethodRegistry.Register<RMixOptions>("rmix", o => new MixerMethod(new RMixMixer(o), o.Loss));
        MethodRegistry.Register<LaMixOptions>("lamix", o => new LaMixMethod(o));
        MethodRegistry.Register<CoMixupOptions>("comixup", o =>
        {
            o.Validate();
            return new CoMixupMethod(o);
        });
    }
}
