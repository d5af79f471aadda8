using System.IO.Compression;
using System.Text.Json;
using Flint.Data;

namespace Flint.Tests.Data;

/// <summary>Samplers, DataLoader and random_split against PyTorch 1.13's orders (tools/fixtures/gen_data.py).
/// Seeded cases use the default generator, so the class runs in the non-parallel DefaultGenerator collection.</summary>
[Collection("DefaultGenerator")]
public class DataLoaderTests
{
    private static IEnumerable<JsonElement> Cases(string kind) => Fixture.Load("data").Cases.Where(c => c.GetProperty("kind").GetString() == kind);
    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
    private static TensorDataset Range10() => new(Torch.FromArray(Enumerable.Range(0, 10).Select(i => (long)i).ToArray()));

    // The default generator is global: tests that seed it must not interleave.
    private static readonly object SeedLock = new();

    [Fact]
    public void ShuffleWithManualSeedGivesPyTorchsBatchOrder()
    {
        lock (SeedLock)
            foreach (var c in Cases("loader_default_gen"))
            {
                Torch.ManualSeed(c.GetProperty("seed").GetInt64());
                var loader = new DataLoader(Range10(), batchSize: c.GetProperty("batch_size").GetInt32(), shuffle: true, dropLast: c.GetProperty("drop_last").GetBoolean());
                foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
                {
                    var got = loader.Select(b => b[0].ToArray<long>()).ToList();
                    var expected = epoch.EnumerateArray().Select(Longs).ToList();
                    Assert.Equal(expected.Count, got.Count);
                    for (int i = 0; i < got.Count; i++) Assert.Equal(expected[i], got[i]);
                }
                // the loader consumed exactly what PyTorch's did from the default generator
                Assert.Equal(c.GetProperty("after").GetInt64(), Torch.Randint(0, 1 << 30, [1]).Item<long>());
            }
    }

    [Fact]
    public void ShuffleWithOwnGeneratorGivesPyTorchsOrderAndLeavesDefaultAlone()
    {
        lock (SeedLock)
        {
            var c = Cases("loader_own_gen").First();
            Torch.ManualSeed(c.GetProperty("seed").GetInt64());
            var g = new Generator((ulong)c.GetProperty("gen_seed").GetInt64());
            var loader = new DataLoader(Range10(), batchSize: 4, shuffle: true, generator: g);
            foreach (var epoch in c.GetProperty("epochs").EnumerateArray())
            {
                var got = loader.Select(b => b[0].ToArray<long>()).ToList();
                var expected = epoch.EnumerateArray().Select(Longs).ToList();
                Assert.Equal(expected, got);
            }
            Assert.Equal(c.GetProperty("after").GetInt64(), Torch.Randint(0, 1 << 30, [1]).Item<long>());
        }
    }

    [Fact]
    public void SamplersMatchPyTorch()
    {
        foreach (var c in Cases("random_sampler_replacement").Concat(Cases("random_sampler_num_samples")))
        {
            var s = new RandomSampler(c.GetProperty("n").GetInt64(), c.GetProperty("kind").GetString()!.EndsWith("replacement"),
                c.GetProperty("num_samples").GetInt64(), new Generator((ulong)c.GetProperty("gen_seed").GetInt64()));
            Assert.Equal(Longs(c.GetProperty("order")), s.ToArray());
        }
        var sub = Cases("subset_random").First();
        Assert.Equal(Longs(sub.GetProperty("order")), new SubsetRandomSampler(Longs(sub.GetProperty("indices")), new Generator((ulong)sub.GetProperty("gen_seed").GetInt64())).ToArray());
        foreach (var c in Cases("weighted"))
        {
            var w = c.GetProperty("weights").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            var s = new WeightedRandomSampler(w, c.GetProperty("num_samples").GetInt64(), c.GetProperty("replacement").GetBoolean(), new Generator((ulong)c.GetProperty("gen_seed").GetInt64()));
            Assert.Equal(Longs(c.GetProperty("order")), s.ToArray());
        }
        foreach (var c in Cases("batch_sampler"))
        {
            var bs = new BatchSampler(new SequentialSampler(c.GetProperty("n").GetInt64()), c.GetProperty("batch_size").GetInt32(), c.GetProperty("drop_last").GetBoolean());
            Assert.Equal(c.GetProperty("batches").EnumerateArray().Select(Longs).ToList(), bs.ToList());
            Assert.Equal(c.GetProperty("batches").GetArrayLength(), bs.Count);
        }
    }

    [Fact]
    public void RandomSplitMatchesPyTorch()
    {
        foreach (var c in Cases("random_split"))
        {
            var ds = new ListDataset<long>(Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
            var g = new Generator((ulong)c.GetProperty("gen_seed").GetInt64());
            var lengths = c.GetProperty("lengths");
            var parts = lengths[0].GetDouble() < 1 && lengths[0].ToString().Contains('.')
                ? DataUtils.RandomSplit(ds, lengths.EnumerateArray().Select(x => x.GetDouble()).ToArray(), g)
                : DataUtils.RandomSplit(ds, Longs(lengths), g);
            var expected = c.GetProperty("parts").EnumerateArray().Select(Longs).ToList();
            Assert.Equal(expected.Count, parts.Length);
            for (int i = 0; i < parts.Length; i++) Assert.Equal(expected[i], parts[i].Indices);
        }
        Assert.Throws<ArgumentException>(() => DataUtils.RandomSplit(Range10(), new long[] { 3, 3 }));
    }

    [Fact]
    public void BatchingDropLastAndCollate()
    {
        var x = Torch.FromArray(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 10, 2);
        var y = Torch.FromArray(Enumerable.Range(0, 10).Select(i => (long)i).ToArray());
        var ds = new TensorDataset(x, y);
        var batches = new DataLoader(ds, batchSize: 4).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(new long[] { 4, 2 }, batches[0][0].Shape);
        Assert.Equal(new long[] { 2, 2 }, batches[2][0].Shape);
        Assert.Equal(new long[] { 8, 9 }, batches[2][1].ToArray<long>());
        Assert.Equal(2, new DataLoader(ds, batchSize: 4, dropLast: true).Count());
        // item-by-item collate (a custom dataset without batch fetch) stacks the same rows
        var viaItems = new DataLoader<Tensor[]>(new Subset<Tensor[]>(ds, Enumerable.Range(0, 10).Select(i => (long)i).ToArray()), batchSize: 4).ToList();
        for (int i = 0; i < 3; i++) { TensorAssert.Close(batches[i][0], viaItems[i][0]); TensorAssert.Close(batches[i][1], viaItems[i][1]); }
        // tuples collate element-wise
        var tuples = new ListDataset<(Tensor, long)>(Enumerable.Range(0, 5).Select(i => (Torch.Full([2], i), (long)i)).ToArray());
        var tl = new DataLoader<(Tensor, long), object[]>(tuples, batchSize: 5, collateFn: items => (object[])DataUtils.Collate(items.Cast<object?>().ToList())).Single();
        Assert.Equal(new long[] { 5, 2 }, ((Tensor)tl[0]).Shape);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, ((Tensor)tl[1]).ToArray<long>());
        // custom collate and batch sampler
        var custom = new DataLoader(ds, batchSampler: [[9, 0], [5]], collateFn: items => [Torch.Stack(items.Select(r => r[1]).ToArray())]).ToList();
        Assert.Equal(new long[] { 9, 0 }, custom[0][0].ToArray<long>());
        Assert.Equal(new long[] { 5 }, custom[1][0].ToArray<long>());
        Assert.Throws<ArgumentException>(() => new DataLoader(ds, shuffle: true, sampler: new SequentialSampler(10)));
    }

    [Fact]
    public void WorkersKeepOrder()
    {
        var ds = Range10();
        var serial = new DataLoader(ds, batchSize: 3, shuffle: true, generator: new Generator(5)).Select(b => b[0].ToArray<long>()).ToList();
        var parallel = new DataLoader(ds, batchSize: 3, shuffle: true, generator: new Generator(5), numWorkers: 3).Select(b => b[0].ToArray<long>()).ToList();
        Assert.Equal(serial, parallel);
        var slow = new SlowDataset();
        var order = new DataLoader<Tensor>(slow, batchSize: 2, numWorkers: 4).Select(b => b.ToArray<long>()).SelectMany(a => a).ToArray();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i).ToArray(), order);
    }

    private sealed class SlowDataset : Dataset<Tensor>
    {
        public override long Count => 12;
        public override Tensor GetItem(long index)
        {
            Thread.Sleep((int)(12 - index)); // later items are faster: order must still hold
            return Torch.ScalarTensor(index);
        }
    }

    private sealed class Counter(int n) : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator() { for (int i = 0; i < n; i++) yield return Torch.ScalarTensor((long)i); }
    }

    [Fact]
    public void IterableDatasetBatchesConsecutiveItems()
    {
        var batches = new DataLoader<Tensor>(new Counter(7), batchSize: 3).Select(b => b.ToArray<long>()).ToList();
        Assert.Equal(new[] { new long[] { 0, 1, 2 }, [3, 4, 5], [6] }, batches);
        Assert.Equal(2, new DataLoader<Tensor>(new Counter(7), batchSize: 3, dropLast: true).Count());
        Assert.Throws<InvalidOperationException>(() => new DataLoader<Tensor>(new Counter(7), batchSize: 3).Count);
    }

    [Fact]
    public void ConcatAndSubset()
    {
        var a = new ListDataset<int>([1, 2, 3]);
        var b = new ListDataset<int>([4, 5]);
        var c = a + b;
        Assert.Equal(5, c.Count);
        Assert.Equal(4, c[3]);
        Assert.Equal(5, c[-1]);
        Assert.Throws<IndexOutOfRangeException>(() => c[5]);
        var s = new Subset<int>(c, [4, 0]);
        Assert.Equal(5, s[0]);
        Assert.Equal(1, s[1]);
    }

    [Fact]
    public void BundledIrisAndDigits()
    {
        var iris = Datasets.Iris();
        Assert.Equal(new long[] { 150, 4 }, iris.Features.Shape);
        Assert.Equal(DType.Float32, iris.Features.DType);
        Assert.Equal(new long[] { 150 }, iris.Targets.Shape);
        Assert.Equal(3, iris.NumClasses);
        Assert.Equal(5.1f, iris.Features.ToArray<float>()[0]);
        Assert.Equal(50, iris.Targets.ToArray<long>().Count(t => t == 2));
        var digits = Datasets.Digits();
        Assert.Equal(new long[] { 1797, 64 }, digits.Features.Shape);
        Assert.Equal(10, digits.NumClasses);
        Assert.Equal(16f, digits.Features.ToArray<float>().Max());
    }

    [Fact]
    public void CsvWithTextLabelsAndNamedTarget()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flint-csv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "kind,a,b\ncat,1,2.5\ndog,3,4\ncat,5,6\n\"bird, small\",7,8\n");
        try
        {
            var d = Datasets.FromCsv(path, "kind");
            Assert.Equal(new long[] { 4, 2 }, d.Features.Shape);
            Assert.Equal(new[] { "cat", "dog", "bird, small" }, d.ClassNames);
            Assert.Equal(new long[] { 0, 1, 0, 2 }, d.Targets.ToArray<long>());
            Assert.Equal(new[] { "a", "b" }, d.FeatureNames);
            Assert.Equal(new float[] { 1, 2.5f, 3, 4, 5, 6, 7, 8 }, d.Features.ToArray<float>());
            Assert.Throws<ArgumentException>(() => Datasets.FromCsv(path, "nope"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MnistIdxFilesPlainAndGzip()
    {
        var dir = Directory.CreateTempSubdirectory("flint-mnist").FullName;
        try
        {
            // 3 images of 2x2 pixels, labels 7, 0, 4 (the real files use the same header layout with 28x28)
            byte[] images = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255];
            byte[] labels = [0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 4];
            File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), images);
            using (var gz = new GZipStream(File.Create(Path.Combine(dir, "train-labels-idx1-ubyte.gz")), CompressionLevel.Fastest)) gz.Write(labels);
            var (x, y) = Datasets.Mnist(dir, train: true);
            Assert.Equal(new long[] { 3, 2, 2 }, x.Shape);
            Assert.Equal(DType.UInt8, x.DType);
            Assert.Equal((byte)255, x.ToArray<byte>()[11]);
            Assert.Equal(new long[] { 7, 0, 4 }, y.ToArray<long>());
            var ds = Datasets.MnistDataset(dir);
            Assert.Equal(new long[] { 3, 1, 2, 2 }, ds.Tensors[0].Shape);
            Assert.Equal(1.0f, ds.Tensors[0].ToArray<float>()[11]);
            File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), images[..20]);
            File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), labels);
            Assert.Throws<InvalidDataException>(() => Datasets.Mnist(dir, train: false));
        }
        finally { Directory.Delete(dir, true); }
    }
}
