using RLMix.Envs.Mixup;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

/// <summary>MixupEnv saved between any two calls and restored into a fresh env continues exactly as the original.</summary>
public sealed class MixupEnvStateTests
{
    const int B = 4, N = 3;

    static MixupEnv Env() => new(new FakeMixupBackend(N), SyntheticBatches.Source(B, 3, 0), N, B, null, new MixupEnvOptions { TotalEpochs = 2 }, seed: 5, batchesPerEpoch: 3);

    // Two episodes of three steps: reset, step x3 (truncated), reset, step x3 (terminated).
    static readonly int[] Script = [-1, 1, 7, 3, -1, 9, 0, 5];

    static List<float[]> Play(MixupEnv env, int from, int to)
    {
        var seen = new List<float[]>();
        for (int i = from; i < to; i++)
        {
            if (Script[i] < 0) { seen.Add(env.Reset().Observation.data<float>().ToArray()); continue; }
            using var action = full(B, (long)Script[i], dtype: int64);
            var o = env.Step(action);
            seen.Add([.. o.Observation.data<float>().ToArray(), (float)o.Reward, o.Terminated ? 1 : 0, o.Truncated ? 1 : 0, (float)(double)o.Info["lambda"]]);
        }
        return seen;
    }

    [Theory]
    [InlineData(1)]   // after the first reset
    [InlineData(2)]   // mid-episode
    [InlineData(4)]   // after the truncated epoch end, before the reset
    [InlineData(5)]   // after the second reset
    [InlineData(7)]   // one step before the end
    public void SavedAndRestored_ContinuesExactlyAsTheOriginal(int cut)
    {
        using var reference = Env();
        var expected = Play(reference, 0, Script.Length);

        using var first = Env();
        var seen = Play(first, 0, cut);
        using var state = new MemoryStream();
        using (var w = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true)) first.SaveState(w);
        using var restored = Env();
        state.Position = 0;
        using (var r = new BinaryReader(state)) restored.LoadState(r);
        seen.AddRange(Play(restored, cut, Script.Length));

        Assert.Equal(expected.Count, seen.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], seen[i]);
    }
}
