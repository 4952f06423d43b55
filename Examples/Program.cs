using NetDsl.Examples;

return Tour.Run(args);
