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
        MethodRegistry.Register("vanilla", s => { s.Get<VanillaOptions>("vanilla"); return new VanillaMethod(); });
        MethodRegistry.Register("mixup", s => new MixerMethod(new InputMixup(s.Get<MixupOptions>("mixup"))));
        MethodRegistry.Register("cutmix", s => new MixerMethod(new CutMix(s.Get<CutMixOptions>("cutmix"))));
        MethodRegistry.Register("rmix", s =>
        {
            var options = s.Get<RMixOptions>("rmix");
            return new MixerMethod(new RMixMixer(options), options.Loss);
        });
        MethodRegistry.Register("lamix", s => new LaMixMethod(s.Get<LaMixOptions>("lamix")));
        MethodRegistry.Register("comixup", s =>
        {
            var options = s.Get<CoMixupOptions>("comixup");
            options.Validate();
            return new CoMixupMethod(options);
        });
    }
}
