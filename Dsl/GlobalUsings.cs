// The runtime's plumbing (kernels, activations, losses, data checks, the training loop) lives in
// NetDsl.Runtime, hidden from users' IntelliSense; the library itself uses it everywhere.
global using NetDsl.Runtime;
