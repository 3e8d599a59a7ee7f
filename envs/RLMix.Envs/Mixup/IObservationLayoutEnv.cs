namespace RLMix.Envs.Mixup;

/// <summary>An env whose observations follow an <see cref="ObservationLayout"/> (MixupEnv and its Dict view), so an agent reads the grid instead of guessing it from a row's width.</summary>
public interface IObservationLayoutEnv
{
    /// <summary>The layout of this env's observations.</summary>
    ObservationLayout Layout { get; }
}
