Console.WriteLine("Flint");
