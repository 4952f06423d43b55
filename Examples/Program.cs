using NetDsl.Examples;

// One console program, one subcommand per example; no argument gives the lecture tour. See Cli.cs.
return Cli.Run(args, Console.Out, Console.Error);
