using NetDsl.Tests.SaveLoop;

// SaveLoop PATH FIRST: saves SaveLoopNet to PATH with every parameter set to FIRST, then FIRST + 1, … until
// killed. After the first save it prints "saved" so the test knows the file is now this process's; it then
// kills the process at a random moment and checks the file holds one whole generation.
if (args.Length != 2 || !int.TryParse(args[1], out int generation))
{
    Console.Error.WriteLine("usage: NetDsl.Tests.SaveLoop PATH FIRST-GENERATION");
    return 2;
}
var net = new SaveLoopNet(seed: 0);
for (bool first = true; ; first = false, generation++)
{
    net.Parameters.Fill(generation);
    net.SaveWeights(args[0]);
    if (first)
    {
        Console.WriteLine("saved");
        Console.Out.Flush();
    }
}
