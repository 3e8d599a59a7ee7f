using System.Text;
using System.Text.Json;
using RLMix.Configuration;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Experiments.Mix;

/// <summary>
/// The library side of <c>rlmix mix</c>: applies one mixer to explicit tensors read from Tensor JSON
/// and returns the output JSON. Every missing, unknown or misshapen field is a <see cref="UsageException"/>
/// naming the field and the expected shape.
/// </summary>
/// <remarks>
/// Inputs (B = batch, C channels, H x W pixels, K classes):
/// <list type="bullet">
/// <item>all methods: <c>images [B,C,H,W]</c>; <c>labels [B]</c> (integers) with <c>num_classes</c>, or <c>targets [B,K]</c>; <c>permutation [B]</c> (integers in [0, B); repeats allowed).</item>
/// <item>rmix: <c>saliency [B,H,W]</c> (phi(x) before pooling and normalization), <c>q [B]</c> in [0, 1], <c>lambda</c>, <c>p</c> (patches per side, dividing H and W);
/// with <c>seed</c> (and optional <c>settings</c>, the <c>rmix</c> options) any of <c>p</c>, <c>q</c>, <c>lambda</c>, <c>permutation</c> left out is drawn by
/// <see cref="RMixSampler"/> in R-Mix's order, as <c>rlmix train --method rmix</c> draws them, and the output echoes all four.</item>
/// <item>mixup: <c>lambda</c>.</item>
/// <item>comixup: <c>saliency [B,H,W]</c>, <c>seed</c> (integer), optional <c>settings</c> (the <c>comixup</c> options, snake_case); no <c>permutation</c>.</item>
/// <item>cutmix: <c>box</c> <c>{ "x0", "y0", "x1", "y1" }</c> (half-open pixels, x along the width), or <c>lambda</c> and <c>seed</c> to draw the standard box.</item>
/// </list>
/// Output: <c>images [B,C,H,W]</c>, <c>targets [B,K]</c>; cutmix adds <c>box</c> and the corrected <c>lambda</c>;
/// comixup adds <c>assignment [B outputs, B inputs, h, w]</c> (the solution z: 0, 0.5 or 1 per cell).
/// </remarks>
public static class MixCommandCore
{
    /// <summary>The methods <c>rlmix mix</c> accepts here.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["rmix", "mixup", "cutmix", "comixup"];

    static readonly string[] CommonFields = ["images", "labels", "num_classes", "targets", "permutation"];

    /// <summary>Parses <paramref name="json"/> and runs <paramref name="method"/> on it; malformed JSON is a <see cref="UsageException"/> naming <paramref name="source"/>.</summary>
    public static string RunText(string method, string json, string source = "input")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new UsageException($"{source} is not valid JSON: {e.Message}"); }
        using (doc) return Run(method, doc);
    }

    /// <summary>Runs <paramref name="method"/> on the fields of <paramref name="input"/> and returns the output JSON text.</summary>
    public static string Run(string method, JsonDocument input)
    {
        var root = input.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new UsageException("The mix input must be a JSON object with the fields images, labels/targets, permutation, ...");
        using var scope = NewDisposeScope();
        return method switch
        {
            "rmix" => RunRMix(root),
            "mixup" => RunMixup(root),
            "cutmix" => RunCutMix(root),
            "comixup" => RunCoMixup(root),
            _ => throw new UsageException($"Unknown mix method '{Echo.Of(method)}'. Allowed values: {string.Join(", ", Methods)}."),
        };
    }

    static string RunRMix(JsonElement root)
    {
        CheckFields(root, "rmix", [.. CommonFields, "saliency", "q", "lambda", "p", "seed", "settings"]);
        bool seeded = root.TryGetProperty("seed", out _);
        if (!seeded && root.TryGetProperty("settings", out _))
            throw new UsageException("Field 'settings' (the rmix options) is used only to draw missing fields; give 'seed' too.");
        var (images, targets, permutation) = ReadCommon(root, permutation: !seeded || root.TryGetProperty("permutation", out _));
        long b = images.shape[0], h = images.shape[2], w = images.shape[3];
        var saliency = ReadTensor(root, "saliency", $"[B, H, W] = [{b}, {h}, {w}]", [b, h, w]);
        Tensor? q = seeded && !root.TryGetProperty("q", out _) ? null : ReadTensor(root, "q", $"[B] = [{b}]", [b]);
        if (q is not null && (q.lt(0).any().item<bool>() || q.gt(1).any().item<bool>()))
            throw new UsageException("Field 'q' must hold values in [0, 1] (the top-k values are linspace(0, 0.99, 10)).");
        double? lambda = seeded && !root.TryGetProperty("lambda", out _) ? null : ReadLambda(root);
        long? p = seeded && !root.TryGetProperty("p", out _) ? null : ReadInteger(root, "p");
        if (p is long side && (side < 1 || h % side != 0 || w % side != 0))
            throw new UsageException($"Field 'p' = {side} must be a positive number of patches per side dividing H = {h} and W = {w}.");
        if (!seeded)
            return Output(RMix.Mix(images, targets, saliency, q!, lambda!.Value, permutation, (int)p!.Value), null, null);

        var options = new RMixOptions();
        if (root.TryGetProperty("settings", out var settings))
        {
            try { options = settings.Deserialize<RMixOptions>(Configuration.ConfigFile.JsonOptions) ?? options; }
            catch (JsonException e) { throw new UsageException($"Field 'settings': {Configuration.ConfigFile.Describe(e)}"); }
        }
        var sampler = new RMixSampler(options, "settings");
        if (p is null && options.Patches.Any(side => h % side != 0 || w % side != 0))
            throw new UsageException($"Field 'settings.patches' [{string.Join(", ", options.Patches)}] must divide H = {h} and W = {w}.");
        using var generator = new Generator((ulong)ReadInteger(root, "seed"));
        var draw = sampler.Draw(b, generator, images.device, q: q, lambda: lambda, permutation: permutation.numel() == 0 ? null : permutation, p: (int?)p);
        return Output(RMix.Mix(images, targets, saliency, draw.Q, draw.Lambda, draw.Permutation, draw.P), null, null, draw: draw);
    }

    static string RunMixup(JsonElement root)
    {
        CheckFields(root, "mixup", [.. CommonFields, "lambda"]);
        var (images, targets, permutation) = ReadCommon(root);
        return Output(InputMixup.Apply(images, targets, ReadLambda(root), permutation), null, null);
    }

    static string RunCutMix(JsonElement root)
    {
        CheckFields(root, "cutmix", [.. CommonFields, "box", "lambda", "seed"]);
        var (images, targets, permutation) = ReadCommon(root);
        int h = (int)images.shape[2], w = (int)images.shape[3];
        CutMixBox box;
        if (root.TryGetProperty("box", out var boxElement))
        {
            if (root.TryGetProperty("lambda", out _) || root.TryGetProperty("seed", out _))
                throw new UsageException("Give either field 'box' or the fields 'lambda' and 'seed' for cutmix, not both.");
            box = ReadBox(boxElement);
        }
        else if (root.TryGetProperty("lambda", out _) || root.TryGetProperty("seed", out _))
        {
            double lambda = ReadLambda(root);
            long seed = ReadInteger(root, "seed");
            using var generator = new Generator((ulong)seed);
            box = CutMix.RandomBox(h, w, lambda, generator);
        }
        else
            throw new UsageException("Field 'box' ({ \"x0\", \"y0\", \"x1\", \"y1\" }) or the fields 'lambda' and 'seed' are missing for cutmix.");
        if (box.X0 < 0 || box.Y0 < 0 || box.X1 > w || box.Y1 > h || box.X0 > box.X1 || box.Y0 > box.Y1)
            throw new UsageException($"Field 'box' ({box.X0}, {box.Y0}, {box.X1}, {box.Y1}) must satisfy 0 <= x0 <= x1 <= W = {w} and 0 <= y0 <= y1 <= H = {h}.");
        var (result, corrected) = CutMix.Apply(images, targets, box, permutation);
        return Output(result, box, corrected);
    }

    static string RunCoMixup(JsonElement root)
    {
        CheckFields(root, "comixup", ["images", "labels", "num_classes", "targets", "saliency", "seed", "settings"]);
        var (images, targets, _) = ReadCommon(root, permutation: false);
        long b = images.shape[0], h = images.shape[2], w = images.shape[3];
        var saliency = ReadTensor(root, "saliency", $"[B, H, W] = [{b}, {h}, {w}]", [b, h, w]);
        long seed = ReadInteger(root, "seed");
        var options = new Mixing.CoMixup.CoMixupOptions();
        if (root.TryGetProperty("settings", out var settings))
        {
            try { options = settings.Deserialize<Mixing.CoMixup.CoMixupOptions>(Configuration.ConfigFile.JsonOptions) ?? options; }
            catch (JsonException e) { throw new UsageException($"Field 'settings': {Configuration.ConfigFile.Describe(e)}"); }
        }
        options.Validate();
        var z = Mixing.CoMixup.CoMixup.Solve(saliency, options, seed);
        var result = Mixing.CoMixup.CoMixup.Mix(images, targets, z);
        using var assignment = tensor(z.ToDenseMask(), [b, b, z.GridHeight, z.GridWidth]);
        return Output(result, null, null, assignment);
    }

    static (Tensor Images, Tensor Targets, Tensor Permutation) ReadCommon(JsonElement root, bool permutation = true)
    {
        var images = ReadTensor(root, "images", "[B, C, H, W]", null);
        if (images.dim() != 4)
            throw new UsageException($"Field 'images' must have shape [B, C, H, W]; got {MixShapes.Of(images)}.");
        if (images.shape.Any(s => s < 1))
            throw new UsageException($"Field 'images' has shape {MixShapes.Of(images)}; B, C, H and W must all be at least 1.");
        Limits.InRange("Field 'images' height", images.shape[2], 1, Limits.MaxImageSide);
        Limits.InRange("Field 'images' width", images.shape[3], 1, Limits.MaxImageSide);
        long b = images.shape[0];
        Tensor targets;
        if (root.TryGetProperty("targets", out _))
        {
            if (root.TryGetProperty("labels", out _))
                throw new UsageException("Give either field 'labels' (with 'num_classes') or field 'targets', not both.");
            targets = ReadTensor(root, "targets", $"[B, K] = [{b}, K]", null);
            if (targets.dim() != 2 || targets.shape[0] != b)
                throw new UsageException($"Field 'targets' must have shape [B, K] = [{b}, K]; got {MixShapes.Of(targets)}.");
        }
        else
        {
            if (!root.TryGetProperty("labels", out _))
                throw new UsageException($"Field 'labels' ([B] = [{b}] integers, with 'num_classes') or field 'targets' ([B, K]) is missing.");
            var labels = ReadTensor(root, "labels", $"[B] = [{b}]", [b], integer: true);
            long k = Limits.InRange("Field 'num_classes'", ReadInteger(root, "num_classes"), 1, Limits.MaxClasses);
            Limits.Elements($"The targets [B, num_classes] of {b} images and {k} classes", b, k);
            if (labels.lt(0).any().item<bool>() || labels.ge(k).any().item<bool>())
                throw new UsageException($"Field 'labels' must hold class indices in [0, num_classes = {k}).");
            targets = SoftTargets.OneHot(labels, (int)k);
        }
        if (!permutation) return (images, targets, empty(0));
        var partners = ReadTensor(root, "permutation", $"[B] = [{b}]", [b], integer: true);
        if (partners.lt(0).any().item<bool>() || partners.ge(b).any().item<bool>())
            throw new UsageException($"Field 'permutation' must hold partner indices in [0, B = {b}).");
        return (images, targets, partners);
    }

    static Tensor ReadTensor(JsonElement root, string field, string expected, long[]? shape, bool integer = false)
    {
        if (!root.TryGetProperty(field, out var element))
            throw new UsageException($"Field '{field}' is missing; expected a tensor of shape {expected}.");
        var t = TensorJson.Parse(element, field, integer);
        if (shape is not null && !t.shape.SequenceEqual(shape))
            throw new UsageException($"Field '{field}' must have shape {expected}; got {MixShapes.Of(t)}.");
        return t;
    }

    static double ReadLambda(JsonElement root)
    {
        if (!root.TryGetProperty("lambda", out var e))
            throw new UsageException("Field 'lambda' is missing; expected a number in [0, 1].");
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var lambda) || !(lambda >= 0 && lambda <= 1))
            throw new UsageException($"Field 'lambda' must be a number in [0, 1]; got {Echo.Of(e.GetRawText())}.");
        return lambda;
    }

    static long ReadInteger(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var e))
            throw new UsageException($"Field '{field}' is missing; expected an integer.");
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var value))
            throw new UsageException($"Field '{field}' must be an integer; got {Echo.Of(e.GetRawText())}.");
        return value;
    }

    static CutMixBox ReadBox(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new UsageException($"Field 'box' must be an object {{ \"x0\", \"y0\", \"x1\", \"y1\" }}; got {e.ValueKind}.");
        int Coordinate(string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
                ? i
                : throw new UsageException($"Field 'box.{name}' is missing or not an integer; the box is {{ \"x0\", \"y0\", \"x1\", \"y1\" }} in pixels.");
        return new CutMixBox(Coordinate("x0"), Coordinate("y0"), Coordinate("x1"), Coordinate("y1"));
    }

    static void CheckFields(JsonElement root, string method, string[] allowed)
    {
        foreach (var property in root.EnumerateObject())
            if (!allowed.Contains(property.Name))
                throw new UsageException($"Unknown field '{Echo.Of(property.Name)}' for {method}. Allowed fields: {string.Join(", ", allowed)}.");
    }

    static string Output(MixResult result, CutMixBox? box, double? lambda, Tensor? assignment = null, RMixDraw? draw = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            TensorJson.Write(writer, "images", result.Inputs);
            TensorJson.Write(writer, "targets", result.Targets);
            if (box is not null)
            {
                writer.WriteStartObject("box");
                writer.WriteNumber("x0", box.X0);
                writer.WriteNumber("y0", box.Y0);
                writer.WriteNumber("x1", box.X1);
                writer.WriteNumber("y1", box.Y1);
                writer.WriteEndObject();
            }
            if (lambda is not null)
                writer.WriteNumber("lambda", lambda.Value);
            if (assignment is not null)
                TensorJson.Write(writer, "assignment", assignment);
            if (draw is not null)
            {
                writer.WriteNumber("p", draw.P);
                TensorJson.Write(writer, "q", draw.Q);
                writer.WriteNumber("lambda", draw.Lambda);
                TensorJson.Write(writer, "permutation", draw.Permutation);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
