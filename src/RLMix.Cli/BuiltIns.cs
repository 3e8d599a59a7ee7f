namespace RLMix.Cli;

/// <summary>Registers every built-in training method once.</summary>
internal static class BuiltIns
{
    static bool done;

    public static void RegisterAll()
    {
        if (done) return;
        done = true;
        // RLMix.Core registers its methods itself; RL-Mix lives in RLMix.Agents.
        Agents.RLMixMethod.Register();
    }
}
