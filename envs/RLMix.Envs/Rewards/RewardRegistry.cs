using System.Reflection;
using System.Runtime.Loader;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// Built-in rewards by name, reward plugins from an assembly path, and validation of what a reward
/// returns. Every user error is a <see cref="UsageException"/> that names the reward, the path or the
/// type, and says how to fix it.
/// </summary>
public static class RewardRegistry
{
    /// <summary>The default reward (the paper's).</summary>
    public const string DefaultName = "grad-cosine";

    static readonly Dictionary<string, Func<IRewardFunction>> builtIns = new(StringComparer.Ordinal)
    {
        ["grad-cosine"] = () => new GradCosineReward(),
        ["grad-cosine-image"] = () => new GradCosineImageReward(),
        ["true-class-confidence"] = () => new TrueClassConfidenceReward(),
        ["negative-loss"] = () => new NegativeLossReward(),
    };

    // Plug-in assemblies loaded so far, by full path (see LoadAssembly).
    static readonly Dictionary<string, Assembly> loadedPlugins = new(StringComparer.Ordinal);

    /// <summary>Names of the built-in rewards, sorted.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = builtIns.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The built-in reward <paramref name="name"/>.</summary>
    public static IRewardFunction Create(string name) =>
        builtIns.TryGetValue(name, out var factory)
            ? factory()
            : throw new UsageException($"Unknown reward '{Echo.Of(name)}'. Built-in rewards: {string.Join(", ", BuiltInNames)}; or load your own with --reward-plugin PATH.dll.");

    /// <summary>
    /// Resolves the CLI's reward options: a plugin when <paramref name="pluginPath"/> is given
    /// (<paramref name="typeName"/> picks the type when the assembly has several), else the built-in
    /// <paramref name="name"/> (default <c>grad-cosine</c>). Giving both a name and a plugin is an error.
    /// </summary>
    public static IRewardFunction Load(string? name, string? pluginPath, string? typeName)
    {
        if (pluginPath is null)
        {
            if (typeName is not null)
                throw new UsageException($"--reward-type '{Echo.Of(typeName)}' was given without --reward-plugin; pass the plugin assembly's path with --reward-plugin.");
            return Create(name ?? DefaultName);
        }
        if (name is not null)
            throw new UsageException($"Both --reward '{Echo.Of(name)}' and --reward-plugin '{Echo.Of(pluginPath)}' were given; use one of them.");
        return LoadPlugin(pluginPath, typeName);
    }

    /// <summary>
    /// Creates the reward type of the assembly at <paramref name="path"/> with its parameterless constructor: a new
    /// instance on every call, from an assembly loaded once per process (calls for the same file share its
    /// types and statics).
    /// </summary>
    public static IRewardFunction LoadPlugin(string path, string? typeName = null)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
            throw new UsageException($"Reward plugin '{Echo.Of(path)}' does not exist. Pass the path of the compiled .dll that implements RLMix.Envs.Rewards.IRewardFunction.");

        var assembly = LoadAssembly(path, fullPath);
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? "unknown reason";
            throw new UsageException($"Reward plugin '{Echo.Of(path)}': its types cannot be loaded ({first}). Build it against this version of RLMix.Envs.", e);
        }

        // An open generic type (Reward<T>) cannot be created without type arguments: not a candidate.
        var candidates = types.Where(t => typeof(IRewardFunction).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, ContainsGenericParameters: false }).ToArray();
        Type type;
        if (typeName is not null)
        {
            type = candidates.FirstOrDefault(t => t.FullName == typeName)
                ?? throw new UsageException(candidates.Length == 0
                    ? $"Reward plugin '{Echo.Of(path)}' has no type '{typeName}', and no public type implementing IRewardFunction at all."
                    : $"Reward plugin '{Echo.Of(path)}' has no type '{typeName}' implementing IRewardFunction. Its reward types: {string.Join(", ", candidates.Select(t => t.FullName))}.");
        }
        else if (candidates.Length == 0)
        {
            throw new UsageException($"Reward plugin '{Echo.Of(path)}' has no non-abstract type implementing RLMix.Envs.Rewards.IRewardFunction.");
        }
        else if (candidates.Length > 1)
        {
            throw new UsageException($"Reward plugin '{Echo.Of(path)}' has several reward types ({string.Join(", ", candidates.Select(t => t.FullName))}); choose one with --reward-type.");
        }
        else
        {
            type = candidates[0];
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new UsageException($"Reward type '{type.FullName}' in '{Echo.Of(path)}' has no public parameterless constructor; add one.");
        try
        {
            return (IRewardFunction)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new UsageException($"Reward type '{type.FullName}' in '{Echo.Of(path)}' threw in its constructor: {e.InnerException?.Message}", e);
        }
    }

    /// <summary>
    /// The plug-in assembly at <paramref name="fullPath"/>, loaded once per process: checking a run's options and
    /// then running it (or a comparison's many cells) each ask for the reward, and loading every time would leave
    /// one more unloadable copy of the assembly in memory per call, each with its own types and statics. (The
    /// runtime maps a file path once per process anyway: a file rebuilt while the process runs is not reread.)
    /// </summary>
    static Assembly LoadAssembly(string path, string fullPath)
    {
        lock (loadedPlugins)
        {
            if (loadedPlugins.TryGetValue(fullPath, out var loaded)) return loaded;
            Assembly assembly;
            try
            {
                assembly = new PluginLoadContext(fullPath).LoadFromAssemblyPath(fullPath);
            }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                throw new UsageException($"Reward plugin '{Echo.Of(path)}' cannot be loaded as a .NET assembly ({e.Message}). Build it as a net10.0 class library that references RLMix.Envs.", e);
            }
            loadedPlugins[fullPath] = assembly;
            return assembly;
        }
    }

    /// <summary>
    /// Calls <paramref name="reward"/>'s <see cref="IRewardFunction.Compute"/> and checks its output
    /// (<see cref="Validate"/>). An exception thrown by a plug-in's reward becomes a
    /// <see cref="UsageException"/> naming the reward, its type and its assembly file; one thrown by a
    /// built-in reward is a bug in RLMix and passes through.
    /// </summary>
    public static Tensor Compute(IRewardFunction reward, RewardContext context, int batchSize)
    {
        Tensor value;
        try
        {
            value = reward.Compute(context);
        }
        catch (Exception e) when (e is not RLMixException && IsPlugin(reward))
        {
            throw new UsageException($"{Describe(reward)} threw in Compute: {e.GetType().Name}: {Echo.Of(e.Message, 300).TrimEnd('.')}. Fix the plug-in (run with --verbose for its stack trace).", e);
        }
        Validate(reward, value, batchSize);
        return value;
    }

    /// <summary>
    /// Checks a reward's output for a batch of <paramref name="batchSize"/>: a live tensor (see the
    /// ownership rule on <see cref="IRewardFunction.Compute"/>), floating point, shape
    /// <c>[]</c>, <c>[1]</c> (both: one reward for the batch) or <c>[B]</c> (one per image), all finite. Throws <see cref="UsageException"/> naming the reward otherwise.
    /// </summary>
    public static void Validate(IRewardFunction reward, Tensor? value, int batchSize)
    {
        if (value is null)
            throw new UsageException($"Reward '{reward.Name}' ({reward.GetType().FullName}) returned null; return a scalar tensor or one value per image [{batchSize}].");
        if (value.IsInvalid)
            throw new UsageException($"{Describe(reward)} returned a tensor that is already disposed: the env disposes the reward tensor after each step, so a reward must return a new tensor on every call. Do not cache the returned tensor (return cached.clone() instead).");
        if (!value.is_floating_point())
            throw new UsageException($"Reward '{reward.Name}' ({reward.GetType().FullName}) returned a {value.dtype} tensor; return a floating-point tensor.");
        var shapeOk = value.dim() == 0 || (value.dim() == 1 && value.shape[0] == batchSize) || (value.dim() == 1 && value.shape[0] == 1);
        if (!shapeOk)
            throw new UsageException($"Reward '{reward.Name}' ({reward.GetType().FullName}) returned shape ({string.Join(", ", value.shape)}); it must be a scalar or one value per image [{batchSize}].");
        using var scope = NewDisposeScope();
        if (!isfinite(value).all().item<bool>())
            throw new UsageException($"Reward '{reward.Name}' ({reward.GetType().FullName}) returned a non-finite value (NaN or infinity); check the reward for divisions by zero.");
    }

    static bool IsPlugin(IRewardFunction reward) => reward.GetType().Assembly != typeof(IRewardFunction).Assembly;

    static string Describe(IRewardFunction reward)
    {
        var type = reward.GetType();
        string name;
        try { name = reward.Name; }
        catch (Exception) { name = "?"; }
        return IsPlugin(reward)
            ? $"Reward plug-in '{Echo.Of(name)}' (type {type.FullName} in {Echo.Of(type.Assembly.Location, 200)})"
            : $"Reward '{name}' ({type.FullName})";
    }

    /// <summary>Loads plugins in their own context while sharing RLMix and TorchSharp with the host, so their types are the host's.</summary>
    sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"RLMix reward plug-in {pluginPath}", isCollectible: false)
    {
        readonly AssemblyDependencyResolver resolver = new(pluginPath);

        protected override Assembly? Load(AssemblyName name)
        {
            // Anything the host already has (RLMix.*, TorchSharp, the framework) comes from the host.
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name)))
                return null;
            var path = resolver.ResolveAssemblyToPath(name);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
