using Flint.Cli;

// Flint's main job: train the seed tutorial's model (and friends) from the command line. See CliApp.
return CliApp.Run(args, Console.Out, Console.Error, live: !Console.IsOutputRedirected);
