"""Writes the DiffuRec parity fixture: the official model's weights, fixed
inputs and its outputs, for tests/core/test_parity_diffurec_torch.cpp.

    python3 tests/parity/diffurec_official.py OFFICIAL_REPO_DIR OUT.pth

writes OUT.pth (inputs and outputs) and, beside it, OUT_state_dict.pth (the
official Att_Diffuse_model's state_dict, what `recdiff import --from
diffurec-official` reads; its trainer keeps the best model in memory and
saves nothing, so torch.save(model.state_dict()) is the form a user has).

OFFICIAL_REPO_DIR is a checkout of WHUIR/DiffuRec (its src/ folder holds
diffurec.py and model.py; a folder holding them directly also works). The
committed fixture was made with Debian's python3-torch 1.13 (CPU):

    git clone https://github.com/WHUIR/DiffuRec /tmp/DiffuRec
    python3 tests/parity/diffurec_official.py /tmp/DiffuRec tests/parity/fixtures/diffurec.pth
    (also writes tests/parity/fixtures/diffurec_state_dict.pth)

(from a bare mirror: git --git-dir=MIRROR archive HEAD src | tar -x -C /tmp/DiffuRec).
The official modules import only torch and numpy; nothing needs a stand-in.
The output is deterministic: rerunning it (to a file of the same name) gives
the same bytes.

tests/parity/diffurecsys_official.py does the same for shararezr/DiffuRecSys
(whose model differs in the approximator's blocks) through run() below.

The model is the official Att_Diffuse_model(DiffuRec(args)) at a small size
(hidden 16, 2 blocks of 4 heads, 30 items, history length 6, T = 32
"trunc_lin", rescaled timesteps), in eval mode (every dropout off). Its
LayerNorm weights and all biases are perturbed away from their 1/0 initial
values so that a weight copied to the wrong place shows. Randomness the
official code draws itself is made reproducible without changing its code:

  - λ (torch.normal in Diffu_xstart.forward) is drawn from a CPU generator
    of a given seed. torch.normal(δ, δ) is randn·δ + δ bit for bit, so our
    drawUncertainty() with a CPU generator of that seed draws the same λ.
  - noise (torch.randn_like: the forward noise, x_T, each reverse step's z)
    comes from the given tensors, or from a seeded generator when the
    official code draws it itself.
  - the timesteps of the training forward come from the given t (the
    schedule sampler's sample() is replaced).
The whole reverse run follows OUR seeding (core/models/diffurec.cpp,
core/diffusion/sampler.cpp), so that the test can call our reverse() and
score() with ReverseOptions.seed = S: x_T and then each step's z come from
one generator seeded S (our sampler draws no z for the last step, where the
official code multiplies its draw by 0), every step's λ from one generator
seeded S ^ 0x6c616d6264615eed. Should our seeding change, the test's first
checks (of x_T and the first λ) say so; change this script with it.
Every λ, x_T and z used is stored too.

OUT.pth is one flat dict of tensors:
  inputs/history [B,L] int64          left-padded with 0 (rows with 0, 2 and 5 pads)
  inputs/target [B] int64
  inputs/denoise_xt [B,d], inputs/denoise_t [B], inputs/denoise_seed [1],
  inputs/denoise_lambda [B,L,d]       one approximator call
  inputs/step_xt, inputs/step_t, inputs/step_seed, inputs/step_noise,
  inputs/step_lambda                  one reverse step (p_sample), one t = 0
  inputs/loss_t, inputs/loss_noise, inputs/loss_seed, inputs/loss_lambda
                                      the training forward and its loss
  inputs/reverse_seed [1], inputs/reverse_xT [B,d], inputs/reverse_noise
  [T,B,d] (step t = T-1 first; the last one is multiplied by 0),
  inputs/reverse_lambda [T,B,L,d]     the whole reverse run of inference
  outputs/denoise_x0 [B,d]            Diffu_xstart(...)[0]: x̂0
  outputs/step [B,d]                  DiffuRec.p_sample: x_{t-1}
  outputs/loss_x0 [B,d], outputs/loss []  x̂0 of the training forward and
                                      loss_diffu_ce (mean CE over the N+1 ids)
  outputs/reverse_x0 [B,d], outputs/scores [B,N+1]
                                      Att_Diffuse_model(train_flag=False) and
                                      diffu_rep_pre: x0·Eᵀ over all ids
Timesteps are the official code's: 0..T-1 (ours run 1..T: ours = official + 1).
"""
import argparse
import os
import sys

import torch

SIZES = dict(hidden_size=16, num_blocks=2, item_num=30, max_len=6, diffusion_steps=32)
HISTORY = [[3, 17, 8, 25, 1, 12], [0, 0, 5, 9, 30, 2], [0, 0, 0, 0, 0, 7]]
TARGET = [21, 4, 30]
LAMBDA_SEED_MIX = 0x6C616D6264615EED  # DiffuRec::reverseWhole: λ's generator is seeded seed ^ this


def official_modules(repo):
    src = os.path.join(repo, "src")
    folder = src if os.path.isfile(os.path.join(src, "diffurec.py")) else repo
    if not os.path.isfile(os.path.join(folder, "diffurec.py")):
        sys.exit(f"{repo}: no diffurec.py in it or in its src/ folder")
    sys.path.insert(0, folder)
    import diffurec  # noqa: F401  (model.py imports it)
    import model

    return model


class Draws:
    """Stands in for torch.normal and torch.randn_like while the official code runs."""

    def __init__(self):
        self.seeds = []  # one per λ draw, each a fresh generator
        self.lambda_generator = None  # when there are no seeds: one generator for all
        self.lambdas = []
        self.given = []  # noise tensors handed out in order
        self.generator = None  # for noise the official code draws itself
        self.drawn = []
        self._normal = torch.normal
        self._randn_like = torch.randn_like

    def normal(self, mean, std, *args, **kwargs):
        generator = torch.Generator().manual_seed(self.seeds.pop(0)) if self.seeds else self.lambda_generator
        out = self._normal(mean, std, generator=generator)
        self.lambdas.append(out.clone())
        return out

    def randn_like(self, like, *args, **kwargs):
        if self.given:
            out = self.given.pop(0)
            assert out.shape == like.shape, (out.shape, like.shape)
            return out.clone()
        out = torch.randn(like.shape, generator=self.generator, dtype=like.dtype)
        self.drawn.append(out.clone())
        return out

    def install(self):
        torch.normal = self.normal
        torch.randn_like = self.randn_like

    def check_used(self):
        assert not self.seeds and not self.given, "the official code drew fewer values than expected"


def perturb(module, generator):
    """LayerNorm weights 1 ± 0.2, every bias ± 0.1: no parameter keeps a value
    that a wrong copy (or none) would also give."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith("bias"):
                p.add_(0.1 * torch.randn(p.shape, generator=generator))
            elif p.dim() == 1:
                p.add_(0.2 * torch.randn(p.shape, generator=generator))


def run(repo, out, expect_cross_attention):
    model = official_modules(repo)
    torch.manual_seed(2024)
    args = argparse.Namespace(
        dropout=0.1,
        emb_dropout=0.3,
        schedule_sampler_name="uniform",
        noise_schedule="trunc_lin",
        rescale_timesteps=True,
        lambda_uncertainty=0.001,
        **SIZES,
    )
    net = model.Att_Diffuse_model(model.create_model_diffu(args), args)
    net.eval()
    keys = list(net.state_dict().keys())
    has_cross = any(".CA." in k for k in keys)
    assert has_cross == expect_cross_attention, "this is not the repository the script expects"
    g = torch.Generator().manual_seed(7)
    perturb(net, g)

    B, d, T = len(HISTORY), SIZES["hidden_size"], SIZES["diffusion_steps"]
    history = torch.tensor(HISTORY, dtype=torch.int64)
    target = torch.tensor(TARGET, dtype=torch.int64)
    diffu = net.diffu
    draws = Draws()
    draws.install()
    saved = {}

    with torch.no_grad():
        # What Att_Diffuse_model.forward computes before it calls the diffusion.
        item_rep = net.LayerNorm(net.embed_dropout(net.item_embeddings(history)))
        mask = (history > 0).float()

        # One approximator call.
        xt, t = torch.randn(B, d, generator=g), torch.tensor([0, 13, 31])
        draws.seeds = [101]
        x0, _ = diffu.xstart_model(item_rep, xt, diffu._scale_timesteps(t), mask)
        draws.check_used()
        saved.update({"inputs/denoise_xt": xt, "inputs/denoise_t": t, "inputs/denoise_seed": torch.tensor([101]),
                      "inputs/denoise_lambda": draws.lambdas.pop(), "outputs/denoise_x0": x0})

        # One reverse step, x_t -> x_{t-1}, with given noise (row 1 takes the last step, t = 0: no noise).
        xt, t, z = torch.randn(B, d, generator=g), torch.tensor([7, 0, 20]), torch.randn(B, d, generator=g)
        draws.seeds, draws.given = [202], [z]
        step = diffu.p_sample(item_rep, xt, t, mask)
        draws.check_used()
        saved.update({"inputs/step_xt": xt, "inputs/step_t": t, "inputs/step_seed": torch.tensor([202]),
                      "inputs/step_noise": z, "inputs/step_lambda": draws.lambdas.pop(), "outputs/step": step})

        # The training forward and its loss, with given t and noise.
        t, z = torch.tensor([3, 30, 0]), torch.randn(B, d, generator=g)
        diffu.schedule_sampler.sample = lambda batch, device: (t, torch.ones(batch))
        draws.seeds, draws.given = [303], [z]
        _, loss_x0, _, used_t, _, _ = net(history, target.unsqueeze(-1), train_flag=True)
        loss = net.loss_diffu_ce(loss_x0, target.unsqueeze(-1))
        draws.check_used()
        assert torch.equal(used_t, t)
        saved.update({"inputs/loss_t": t, "inputs/loss_noise": z, "inputs/loss_seed": torch.tensor([303]),
                      "inputs/loss_lambda": draws.lambdas.pop(), "outputs/loss_x0": loss_x0, "outputs/loss": loss})

        # Inference, seeded as ours is (see above).
        seed = 404
        draws.generator = torch.Generator().manual_seed(seed)
        draws.lambda_generator = torch.Generator().manual_seed(seed ^ LAMBDA_SEED_MIX)
        _, reverse_x0, _, _, _, _ = net(history, target.unsqueeze(-1), train_flag=False)
        scores = net.diffu_rep_pre(reverse_x0)
        draws.check_used()
        assert len(draws.drawn) == T + 1 and len(draws.lambdas) == T
        saved.update({"inputs/reverse_seed": torch.tensor([seed]), "inputs/reverse_xT": draws.drawn[0],
                      "inputs/reverse_noise": torch.stack(draws.drawn[1:]),
                      "inputs/reverse_lambda": torch.stack(draws.lambdas),
                      "outputs/reverse_x0": reverse_x0, "outputs/scores": scores})

    saved["inputs/history"] = history
    saved["inputs/target"] = target
    torch.save({k: v.detach().clone().contiguous() for k, v in saved.items()}, out)
    state_path = os.path.splitext(out)[0] + "_state_dict.pth"
    torch.save(net.state_dict(), state_path)
    for path in (out, state_path):
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[2], expect_cross_attention=False)
