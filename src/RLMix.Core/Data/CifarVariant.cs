namespace RLMix.Data;

/// <summary>Which CIFAR binary format (Krizhevsky, 2009; "binary version" files of https://www.cs.toronto.edu/~kriz/cifar.html).</summary>
public enum CifarVariant
{
    /// <summary>CIFAR-10: records of 1 label byte (0..9) and 3072 pixel bytes; files data_batch_1..5.bin and test_batch.bin.</summary>
    Cifar10,

    /// <summary>CIFAR-100: records of a coarse label byte (0..19), a fine label byte (0..99) and 3072 pixel bytes; files train.bin and test.bin. RLMix uses the fine label (100 classes).</summary>
    Cifar100,
}
