"""Runs the official DreamRec code (github.com/YangZhengyi98/DreamRec) at a
small size and writes what tests/core/test_parity_dreamrec_torch.cpp checks
our DreamRec against: OUT.pth (inputs and outputs) and, beside it,
OUT_state_dict.pth (the official Tenc's state_dict, the form `recdiff import
--from dreamrec-official` reads; the official script saves nothing, so
torch.save(model.state_dict()) is what a user has).

    python3 tests/parity/dreamrec_official.py OFFICIAL_REPO_DIR tests/parity/fixtures/dreamrec.pth

OFFICIAL_REPO_DIR holds the official DreamRec.py, Modules_ori.py and
utility.py (a checkout; its data/ folder is not needed). Nothing of it is
copied here; it is imported from that path. The fixtures were made from
commit 454133c with Debian bookworm's python3-torch (1.13, CPU) and
python3-numpy. DreamRec.py imports pandas at module level but nothing run
here calls it: official_stand_ins.py stands in for the modules Debian lacks,
and where pandas is neither installed nor among them, an empty pandas.py on
PYTHONPATH does (PYTHONPATH=/tmp/stubs after `touch /tmp/stubs/pandas.py`).

The state_dict leaves out emb_mlp.* and diff_mlp.*, which no computation of
the official code reads (with them the file is 390 KB instead of 220 KB);
s_fc.* (also never read) stays, so an import has unused keys to report. The
LayerNorms' weights and biases are perturbed off their 1/0 initial values
(every other weight, the padding row of the item table included, starts
random), so a mix-up of any two weights shows.

OUT.pth is a flat dict, in the official layout: item ids 0..N-1, padding id
N, histories right-padded, steps n counted from 0 (our t = n + 1).
  inputs/states, len_states  the histories [B,L] and their lengths [B]
  outputs/h                  the encoder's condition (cacu_h without the null draw)
  inputs/x_t, t              and
  outputs/x0_conditional     Tenc.forward(x_t, h, t)
  outputs/x0_unconditional   Tenc.forward_uncon(x_t, t)
  outputs/x0_guided          (1+w)·conditional - w·unconditional
  inputs/step_n, step_x, step_noise  and
  outputs/reverse_step       diffusion.p_sample at n = step_n from step_x with that noise
  inputs/target, loss_t, loss_noise, loss_drop  and
  outputs/loss, loss_x0      diffusion.p_losses("l2") for those targets, steps
                             and noise, h replaced by the null vector where
                             loss_drop is 1 (cacu_h's draw with p = 0.5)
  inputs/sample_seed, sample_noise  and
  outputs/sample_x0, scores  Tenc.predict after torch.manual_seed(sample_seed):
                             the generated embedding and its scores against
                             all N+1 rows of the item table (the padding row
                             included, as the official evaluation ranks it);
                             sample_noise [T,B,d] holds the run's draws, x_T first
  outputs/alphas_cumprod, posterior_mean_coef1, posterior_mean_coef2,
  posterior_variance         the schedule's tables, indexed by n
at d = 64 (forward_uncon runs at 64 only), N = 30, L = 6, T = 8, the "exp"
schedule, w = 2, the mlp1 denoiser, eval mode, float32. Random draws made
inside the official functions (cacu_h's null mask, the reverse noise) are
recorded by drawing them again from the same seed, and each record is
checked against the official result before anything is written.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_stand_ins  # noqa: E402

HIDDEN = 64  # Tenc.forward_uncon reshapes the null vector with view(1, 64): the code runs at d = 64 only
ITEMS = 30
LENGTH = 6
STEPS = 8
W = 2.0
P_UNCOND = 0.5
DROPOUT = 0.1
SEED = 20240601
STEP_SEED, LOSS_SEED, SAMPLE_SEED = SEED + 1, SEED + 3, SEED + 5  # LOSS_SEED drops half the conditions


def load_official(repo):
    """Imports DreamRec.py, which parses sys.argv when imported."""
    official_stand_ins.install()
    sys.path.insert(0, os.path.abspath(repo))
    saved = sys.argv
    sys.argv = ["DreamRec.py", "--hidden_factor", str(HIDDEN), "--timesteps", str(STEPS), "--beta_sche", "exp",
                "--w", str(W), "--p", str(P_UNCOND), "--diffuser_type", "mlp1", "--dropout_rate", str(DROPOUT)]
    try:
        import DreamRec as official
    finally:
        sys.argv = saved
    # A global the script sets only under __main__; diffusion.sample() reads it.
    official.device = torch.device("cpu")
    return official


def main(repo, out):
    official = load_official(repo)
    torch.manual_seed(SEED)
    model = official.Tenc(HIDDEN, ITEMS, LENGTH, DROPOUT, "mlp1", torch.device("cpu"))
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, torch.nn.LayerNorm):
                module.weight.add_(0.3 * torch.randn_like(module.weight))
                module.bias.add_(0.2 * torch.randn_like(module.bias))
    model.eval()
    diff = official.diffusion(STEPS, 0.0001, 0.02, W)

    pad = ITEMS
    histories = [[3, 17, 8, 25, 0, 12], [5, 29, 14], [21], [7, 7, 19, 2, 11]]
    states = torch.tensor([h + [pad] * (LENGTH - len(h)) for h in histories], dtype=torch.long)
    len_states = torch.tensor([len(h) for h in histories], dtype=torch.long)
    B = states.shape[0]
    inputs, outputs = {}, {}
    inputs["states"] = states
    inputs["len_states"] = len_states

    with torch.no_grad():
        # The condition: cacu_h with p = 0 keeps h (its mask draw is >= 0).
        h = model.cacu_h(states, len_states, 0.0)
        outputs["h"] = h

        # The denoiser at several steps.
        x_t = torch.randn(B, HIDDEN)
        t = torch.tensor([0, 3, 5, 7], dtype=torch.long)
        cond = model(x_t, h, t)
        uncond = model.forward_uncon(x_t, t)
        inputs["x_t"], inputs["t"] = x_t, t
        outputs["x0_conditional"] = cond
        outputs["x0_unconditional"] = uncond
        outputs["x0_guided"] = (1 + W) * cond - W * uncond

        # One reverse step, its noise recorded by replaying the seed.
        step_n = 5
        step_x = torch.randn(B, HIDDEN)
        torch.manual_seed(STEP_SEED)
        step_noise = torch.randn_like(step_x)
        torch.manual_seed(STEP_SEED)
        step = diff.p_sample(model.forward, model.forward_uncon, step_x, h, torch.full((B,), step_n, dtype=torch.long),
                             step_n)
        x_start = (1 + W) * model(step_x, h, torch.full((B,), step_n)) - W * model.forward_uncon(
            step_x, torch.full((B,), step_n))
        mean = diff.posterior_mean_coef1[step_n] * x_start + diff.posterior_mean_coef2[step_n] * step_x
        assert torch.equal(step, mean + torch.sqrt(diff.posterior_variance[step_n]) * step_noise)
        inputs["step_n"] = torch.tensor(step_n, dtype=torch.long)
        inputs["step_x"], inputs["step_noise"] = step_x, step_noise
        outputs["reverse_step"] = step

        # The training loss; cacu_h's null mask recorded by replaying the seed.
        target = torch.tensor([4, 0, 29, 13], dtype=torch.long)
        loss_t = torch.tensor([1, 7, 0, 4], dtype=torch.long)
        loss_noise = torch.randn(B, HIDDEN)
        torch.manual_seed(LOSS_SEED)
        draw = torch.rand(B)
        assert not torch.any(draw == P_UNCOND)
        drop = (draw < P_UNCOND).to(torch.float32)
        assert 0 < drop.sum() < B, "the seed should drop some conditions and keep others"
        torch.manual_seed(LOSS_SEED)
        h_loss = model.cacu_h(states, len_states, P_UNCOND)
        null = model.none_embedding.weight
        assert torch.equal(h_loss, h * (1 - drop[:, None]) + null * drop[:, None])
        loss, loss_x0 = diff.p_losses(model, model.cacu_x(target), h_loss, loss_t, noise=loss_noise, loss_type="l2")
        inputs["target"], inputs["loss_t"], inputs["loss_noise"] = target, loss_t, loss_noise
        inputs["loss_drop"] = drop
        outputs["loss"], outputs["loss_x0"] = loss, loss_x0

        # The whole reverse run and the scores; its draws recorded by replay.
        sample_seed = SAMPLE_SEED
        torch.manual_seed(sample_seed)
        scores = model.predict(states, len_states, diff)
        torch.manual_seed(sample_seed)
        noise = torch.stack([torch.randn(B, HIDDEN) for _ in range(STEPS)])
        x = noise[0]
        for n in reversed(range(STEPS)):
            tn = torch.full((B,), n, dtype=torch.long)
            x0 = (1 + W) * model(x, h, tn) - W * model.forward_uncon(x, tn)
            x_new = diff.posterior_mean_coef1[n] * x0 + diff.posterior_mean_coef2[n] * x
            if n > 0:
                x_new = x_new + torch.sqrt(diff.posterior_variance[n]) * noise[STEPS - n]
            x = x_new
        assert torch.equal(scores, x @ model.item_embeddings.weight.t())
        inputs["sample_seed"] = torch.tensor(sample_seed, dtype=torch.long)
        inputs["sample_noise"] = noise
        outputs["sample_x0"] = x
        outputs["scores"] = scores

        outputs["alphas_cumprod"] = diff.alphas_cumprod
        outputs["posterior_mean_coef1"] = diff.posterior_mean_coef1
        outputs["posterior_mean_coef2"] = diff.posterior_mean_coef2
        outputs["posterior_variance"] = diff.posterior_variance

    saved = {}
    for key, value in inputs.items():
        saved["inputs/" + key] = value
    for key, value in outputs.items():
        saved["outputs/" + key] = value
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.save({k: v.detach().clone().contiguous() for k, v in saved.items()}, out)
    state = model.state_dict()  # an OrderedDict with its _metadata, as torch.save(model.state_dict()) writes
    for key in [k for k in state if k.startswith(("emb_mlp.", "diff_mlp."))]:
        del state[key]
    state_path = os.path.splitext(out)[0] + "_state_dict.pth"
    torch.save(state, state_path)
    for path in (out, state_path):
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: dreamrec_official.py OFFICIAL_REPO_DIR OUT.pth")
    main(sys.argv[1], sys.argv[2])
