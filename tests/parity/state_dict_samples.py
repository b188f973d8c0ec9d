"""Writes the torch.save files that tests/core/test_pytorch_state_dict_torch.cpp
reads, into the folder given as the only argument (tests/parity/fixtures/):

  state_dict_sample.pth   the shapes a state_dict takes in practice: a module's
                          state_dict (an OrderedDict with _metadata, Parameters,
                          buffers of several dtypes) nested in a dict beside
                          plain values, a transposed (non-contiguous) tensor,
                          two tensors sharing one storage, a list of tensors
  legacy_format.pth       the same module saved in the pre-1.6 format
  malicious.pth           a state_dict with an entry whose unpickling calls
                          os.system (Python would run it on torch.load)

Run with Debian's python3-torch:  python3 tests/parity/state_dict_samples.py tests/parity/fixtures
The expected values are repeated in the C++ test; change both together.
"""
import os
import sys

import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(3, 2)
        self.register_buffer("steps", torch.tensor([7, -3, 1 << 40], dtype=torch.int64))
        self.register_buffer("flags", torch.tensor([True, False, True]))
        with torch.no_grad():
            self.linear.weight.copy_(torch.arange(6, dtype=torch.float32).view(2, 3) / 4 - 0.5)
            self.linear.bias.copy_(torch.tensor([1.5, -2.25]))


class RunsACommand:
    """What a crafted file does: unpickling it calls os.system."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/recdiff-pickle-was-executed",))


def main(out):
    os.makedirs(out, exist_ok=True)
    module = Tiny()
    table = torch.arange(12, dtype=torch.float64).view(3, 4)
    shared = torch.arange(10, dtype=torch.float32)
    sample = {
        "model": module.state_dict(),
        "epoch": 3,
        "name": "tiny",
        "lr": 0.001,
        "nothing": None,
        "transposed": table.t(),        # strides (1, 4)
        "head": shared[2:5],            # offset 2 into the shared storage
        "tail": shared[6:].view(2, 2),  # offset 6 into the same storage
        "half": torch.tensor([0.5, -1.0], dtype=torch.float16),
        "layers": [torch.ones(2), torch.zeros(1, dtype=torch.int32)],
        "scalar": torch.tensor(2.5),
        "parameter": torch.nn.Parameter(torch.full((2,), 4.0)),
    }
    torch.save(sample, os.path.join(out, "state_dict_sample.pth"))
    torch.save(module.state_dict(), os.path.join(out, "legacy_format.pth"), _use_new_zipfile_serialization=False)
    evil = module.state_dict()
    evil["payload"] = RunsACommand()
    torch.save(evil, os.path.join(out, "malicious.pth"))


if __name__ == "__main__":
    main(sys.argv[1])
