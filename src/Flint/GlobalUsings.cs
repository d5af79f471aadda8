global using Flint.Autograd;
global using Flint.Ops;
global using Flint.Kernels.Cpu;
