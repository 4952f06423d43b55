// The tests exercise the runtime's plumbing directly: kernels, activations, losses, data checks.
global using NetDsl.Runtime;
