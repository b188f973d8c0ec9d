"""Stand-ins for the modules the official codes import but Debian's
python3-torch set-up lacks (einops, pandas, scipy, tqdm, torchtune). Only names that
are imported at module level are provided; calling one of them fails loudly,
so a parity script can never silently run on a stand-in."""
import importlib
import sys
import types


def _refuse(name):
    def call(*args, **kwargs):
        raise NotImplementedError(name + " is a stand-in (tests/parity/official_stand_ins.py)")

    return call


_NAMES = {
    "einops": ["rearrange", "pack", "unpack", "repeat", "reduce"],
    "pandas": [],
    "scipy": [],
    "scipy.stats": ["beta"],
    "tqdm": ["tqdm"],
    "torchtune": [],
    "torchtune.modules": ["RotaryPositionalEmbeddings"],
}


def install():
    """Registers a stand-in for every module of _NAMES that does not import."""
    for module, names in _NAMES.items():
        try:
            importlib.import_module(module)
            continue
        except ImportError:
            pass
        stand_in = types.ModuleType(module)
        for name in names:
            setattr(stand_in, name, _refuse(module + "." + name))
        sys.modules[module] = stand_in
        parent, _, child = module.rpartition(".")
        if parent in sys.modules:
            setattr(sys.modules[parent], child, stand_in)
