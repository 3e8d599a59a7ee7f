namespace RLMix.Cli;

/// <summary>Registers every built-in training method once.</summary>
internal static class BuiltIns
{
    static bool done;

    public static void RegisterAll()
    {
        if (done) return;
        done = true;
        // Filled as the method branches merge (RLMix.Methods.BuiltInMethods.RegisterAll, Co-Mixup, RL-Mix).
    }
}
