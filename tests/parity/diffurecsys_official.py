"""Writes the DiffuRecSys parity fixture for
tests/core/test_parity_diffurec_torch.cpp: diffurec_official.py's run() on
the official code of shararezr/DiffuRecSys, whose approximator differs from
DiffuRec's (a cross-attention sub-layer in each block; see
docs/parity/diffurec.md). Same sizes, inputs, seeds and file layout.

    git clone https://github.com/shararezr/DiffuRecSys /tmp/DiffuRecSys
    python3 tests/parity/diffurecsys_official.py /tmp/DiffuRecSys tests/parity/fixtures/diffurecsys.pth
    (also writes tests/parity/fixtures/diffurecsys_state_dict.pth)

(Debian's python3-torch 1.13, CPU; from a bare mirror: git --git-dir=MIRROR
archive HEAD diffurec.py model.py step_sample.py | tar -x -C /tmp/DiffuRecSys.)
Its main.py and training.py import matplotlib; they are not needed here:
only diffurec.py, model.py and step_sample.py are imported.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from diffurec_official import run  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[2], expect_cross_attention=True)
