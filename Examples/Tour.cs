namespace NetDsl.Examples;

internal static class Tour
{
    public static int Run(string[] args)
    {
        var net = new PassFail(seed: 42);
        Console.WriteLine(net.Predict([4f, 5f])[0]);
        return 0;
    }
}
