using Flint.Cli;

// Flint's command-line program. Until the training job lands, every invocation runs the demo.
return Demo.Run();
