using BenchmarkDotNet.Running;

// The matrix kernels per shape and per path, in GFLOP/s (the last column). Examples:
//   dotnet run -c Release --project bench/Kernels                                  (every shape and path)
//   KERNELS_ONLY=1024x1024 dotnet run -c Release --project bench/Kernels   (the cases whose name contains it)
// The paths force a vector width and register blocking on any machine (a width this machine lacks is
// left out); "256/small" is what a machine with AVX2 and no AVX-512 runs.
//   dotnet run -c Release --project bench/Kernels -- --filter '*TrainingStep*'       (one-thread training steps)
//   dotnet run -c Release --project bench/Kernels -- --filter '*Inference*'          (a one-row Predict of 784-128-10, step by step, and the floor under it)
BenchmarkSwitcher.FromAssembly(typeof(NetDsl.Bench.Kernels.ProductBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*ProductBenchmarks*"] : args);
