"""Checks NetDsl's weights files against Python: huggingface's safetensors package and PyTorch.

PyTorchInteropTests runs it; each command prints one JSON document on stdout.

  probe                                   which of numpy, safetensors and torch import
  numpy FILE                              the file as safetensors.numpy.load_file reads it, with its metadata
  torch-load FILE READER INPUTS           loads FILE into the nn.Module its netdsl.architecture metadata
                                          describes (model.load_state_dict, strict) and runs it on INPUTS
  torch-save FILE WRITER ARCH DTYPE INPUTS
                                          builds that module for ARCH (the same JSON), saves its state_dict
                                          in DTYPE and prints its outputs on INPUTS

READER and WRITER are "safetensors" (the package: safetensors.torch.load_file / save_file) or "spec": the
few lines below, written from the format's specification, for machines where only PyTorch is installed.
"""
import json
import struct
import sys


def probe():
    found = {}
    for module in ("numpy", "safetensors", "torch"):
        try:
            __import__(module)
            found[module] = True
        except ImportError:
            found[module] = False
    return found


# ---- The format, from its specification (for machines without the safetensors package) ----------------

def spec_load(path):
    """A dict of torch tensors from a safetensors file: 8-byte little-endian header length, JSON header, data."""
    import torch
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}
    with open(path, "rb") as f:
        blob = f.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length])
    data = blob[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.uint8)
        tensors[name] = raw.view(dtypes[entry["dtype"]]).reshape(entry["shape"]).clone()
    return tensors


def spec_save(tensors, path, metadata):
    """Writes as the reference writer lays a file out: tensors by dtype size (largest first), then by name;
    compact JSON with __metadata__ first; the header padded with spaces to a multiple of 8 bytes."""
    import torch
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64"}
    order = sorted(tensors, key=lambda n: (-tensors[n].element_size(), n))
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in order:
        t = tensors[name].contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


# ---- The PyTorch module a NetDsl declaration describes --------------------------------------------------

def build(architecture):
    """nn.Sequential when the tensors are named by index (TensorNaming.Sequential), else a module with one
    nn.Linear attribute per dense layer, named as the tensors are (hidden.weight -> self.hidden)."""
    import torch
    from torch import nn

    def activation(name):
        return {"Identity": None, "Sigmoid": nn.Sigmoid(), "Tanh": nn.Tanh(), "Relu": nn.ReLU(),
                "Softmax": nn.Softmax(dim=-1)}[name]

    layers = architecture["layers"]
    prefixes = [l["weight"][:-len(".weight")] for l in layers if l["kind"] == "Dense"]
    if all(p.isdigit() for p in prefixes):
        steps = []
        for l in layers:
            if l["kind"] == "Dense":
                steps.append(nn.Linear(l["inputs"], l["units"]))
                if activation(l["activation"]) is not None:
                    steps.append(activation(l["activation"]))
            else:
                steps.append(nn.Dropout(l["rate"]))
        return nn.Sequential(*steps)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            for l in layers:
                if l["kind"] == "Dense":
                    setattr(self, l["weight"][:-len(".weight")], nn.Linear(l["inputs"], l["units"]))

        def forward(self, x):
            for l in layers:
                if l["kind"] == "Dense":
                    x = getattr(self, l["weight"][:-len(".weight")])(x)
                    f = activation(l["activation"])
                    x = x if f is None else f(x)
                else:
                    x = nn.functional.dropout(x, l["rate"], self.training)
            return x

    return Net()


def run(model, inputs):
    import torch
    model.eval()
    with torch.no_grad():
        return model(torch.tensor(inputs, dtype=torch.float32)).tolist()


def main(argv):
    command = argv[0]
    if command == "probe":
        return probe()
    if command == "numpy":
        from safetensors import safe_open
        from safetensors.numpy import load_file
        arrays = load_file(argv[1])
        with safe_open(argv[1], framework="np") as f:
            metadata = f.metadata()
        return {"metadata": metadata,
                "tensors": {name: {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist()}
                            for name, a in arrays.items()}}
    if command == "torch-load":
        path, reader, inputs = argv[1], argv[2], json.loads(argv[3])
        with open(path, "rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            metadata = json.loads(f.read(length))["__metadata__"]
        model = build(json.loads(metadata["netdsl.architecture"]))
        if reader == "safetensors":
            from safetensors.torch import load_file
            state = load_file(path)
        else:
            state = spec_load(path)
        model.load_state_dict(state)  # strict: every name and shape must match
        return {"outputs": run(model, inputs), "keys": sorted(model.state_dict().keys())}
    if command == "torch-save":
        import torch
        path, writer, architecture, dtype, inputs = argv[1], argv[2], json.loads(argv[3]), argv[4], json.loads(argv[5])
        torch.manual_seed(7)
        model = build(architecture)
        target = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}[dtype]
        if target == torch.float64:
            # Values a float32 cannot hold exactly: the load must round each to the nearest float.
            state = {k: v.double() + torch.randn(v.shape, dtype=torch.float64) * 1e-3 for k, v in model.state_dict().items()}
        else:
            state = {k: v.to(target) for k, v in model.state_dict().items()}
        if writer == "safetensors":
            from safetensors.torch import save_file
            save_file(state, path, metadata={"format": "pt"})
        else:
            spec_save(state, path, {"format": "pt"})
        # The outputs of the weights as NetDsl reads them: converted to float32, to nearest.
        model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()})
        return {"outputs": run(model, inputs)}
    raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
