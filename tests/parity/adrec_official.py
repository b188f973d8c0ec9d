"""Writes tests/parity/fixtures/adrec_state_dict.pth and adrec.pth: the
official ADRec code's weights (its model's state_dict, as its trainer saves
it) and its outputs for them on fixed inputs, which
tests/core/test_parity_adrec_torch.cpp checks our ADRec (reference_code on)
against, and tests/cli/import_official_model.sh imports.

    python3 tests/parity/adrec_official.py OFFICIAL_REPO/src tests/parity/fixtures

OFFICIAL_REPO is a checkout of https://github.com/Nemo-1024/ADRec; nothing
of it is copied here, it is imported from that path. Runs on Debian's
python3-torch (1.13, CPU); official_stand_ins.py covers the imports Debian
lacks.

adrec_state_dict.pth is the official Att_Diffuse_model's state_dict, every
weight perturbed away from its initial value (row 0 of the item table
included), so that a wrong mapping cannot pass. adrec.pth is a flat dict:
  inputs/...      history [B,L] (left-padded), next [B,L] (each position's
                  next item, 0 at padding), x_t, t (the code's 0-based steps)
                  and noise, as named below
  outputs/...     x0_hat       the denoiser's x̂0 [B,L,d] for (x_t, t, history)
                  step_x       one reverse step p_sample at the last position
                               [B,d], from step_xt [B,L,d] at step_t with noise
                               step_noise [B,L,d]
                  loss_ce, loss_mse   the training losses for next, train_t
                               [B,L] and train_noise [B*L,d]
                  final_x      the reverse run's last-position x0 [B,d] with
                               every random draw zero (x_T = 0, no step noise)
                  scores       final_x against the whole item table [B,N+1]
"""
import argparse
import os
import sys
import types

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_stand_ins  # noqa: E402

ITEMS, L, D, T, B = 30, 6, 16, 8, 3


def official_args():
    return types.SimpleNamespace(
        hidden_size=D, item_num=ITEMS, max_len=L, dropout=0.1, emb_dropout=0.3, dif_decoder="att",
        dif_blocks=2, lambda_uncertainty=1e-3, diffusion_steps=T, noise_schedule="trunc_lin", beta_a=0.3,
        beta_b=10, rescale_timesteps=True, schedule_sampler_name="uniform", independent=True, cfg_scale=1,
        geodesic=False, is_causal=True, model="adrec", pretrained=False, freeze_emb=False, hidden_act="gelu",
        dataset="parity")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("official_src", help="the official repository's src/ folder")
    parser.add_argument("out", help="the folder to write adrec.pth and adrec_state_dict.pth into")
    a = parser.parse_args()
    official_stand_ins.install()
    sys.path.insert(0, a.official_src)
    import adrec as official_adrec  # noqa: E402  (the official module)
    import model as official_model  # noqa: E402

    torch.manual_seed(2025)
    net = official_model.Att_Diffuse_model(official_args())
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.1 * torch.randn_like(p))
    net.eval()

    # Three users: a full history, two padded ones; next[i] = the item after
    # history[i], 0 at padding (the official TrainDataset's alignment).
    sequences = [[3, 7, 1, 22, 9, 14, 5], [11, 2, 30, 8, 17], [4, 26, 19]]
    history = torch.zeros(B, L, dtype=torch.long)
    nxt = torch.zeros(B, L, dtype=torch.long)
    for b, s in enumerate(sequences):
        h, n = s[:-1][-L:], s[1:][-L:]
        history[b, L - len(h):] = torch.tensor(h)
        nxt[b, L - len(n):] = torch.tensor(n)
    mask_seq = (history > 0).float()
    mask_tag = (nxt > 0).float()

    diffu = net.diffu
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        h = net.hist_norm(net.item_embedding(history))  # eval: no dropout
        c = diffu.ag_encoder(h, mask_seq)
        tag_emb = net.item_embedding(nxt)

        # x̂0 for given x_t and t (the code's steps 0..T-1, 0 at padding, where
        # x_t is the clean target as the code keeps it).
        t = torch.randint(0, T, (B, L), generator=g) * mask_seq.long()
        xt = torch.randn(B, L, D, generator=g)
        xt = torch.where(mask_seq.unsqueeze(-1) > 0, xt, tag_emb)
        x0_hat = diffu.net(c, xt, diffu._scale_timesteps(t), mask_seq, mask_tag)

        # One reverse step at the last position, from step T-3, with given noise.
        step_t = torch.tensor([0] * (L - 1) + [T - 3]).unsqueeze(0).repeat(B, 1)
        step_xt = torch.cat([tag_emb[:, :-1], torch.randn(B, 1, D, generator=g)], 1)
        step_noise = torch.randn(B, L, D, generator=g)
        official_adrec.th.randn_like = lambda x: step_noise
        step_x = diffu.p_sample(c, step_xt, step_t, mask_seq, mask_tag)[:, -1]

        # Training losses for given steps and noise (independent, per token).
        train_t = torch.randint(0, T, (B * L,), generator=g)
        train_noise = torch.randn(B * L, D, generator=g)
        diffu.schedule_sampler.sample = lambda n, device: (train_t.clone(), torch.ones(n))
        official_adrec.th.randn_like = lambda x: train_noise
        out_seq, _, loss_mse = net(history, nxt, train_flag=True)
        loss_ce = net.calculate_loss(out_seq, nxt)

        # The whole reverse run with every random draw zero.
        official_adrec.th.randn_like = torch.zeros_like
        out_seq, final_x, _ = net(history, nxt, train_flag=False)
        scores = net.calculate_score(final_x)

    torch.save(net.state_dict(), os.path.join(a.out, "adrec_state_dict.pth"))
    fixture = {}
    fixture.update({
        "inputs/history": history, "inputs/next": nxt, "inputs/t": t, "inputs/xt": xt,
        "inputs/step_t": step_t, "inputs/step_xt": step_xt, "inputs/step_noise": step_noise,
        "inputs/train_t": train_t, "inputs/train_noise": train_noise,
        "inputs/betas": torch.from_numpy(np.asarray(diffu.betas)),
        "outputs/x0_hat": x0_hat, "outputs/step_x": step_x, "outputs/loss_ce": loss_ce.reshape(()),
        "outputs/loss_mse": loss_mse.reshape(()), "outputs/final_x": final_x, "outputs/scores": scores,
    })
    torch.save({k: v.contiguous() for k, v in fixture.items()}, os.path.join(a.out, "adrec.pth"))
    print("wrote adrec.pth and adrec_state_dict.pth in", a.out)


if __name__ == "__main__":
    main()
