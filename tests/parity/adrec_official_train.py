"""Trains ADRec with the official code for a few epochs, saves its state_dict
as the official trainer does, and evaluates the test split with the official
metric code — the other side of `recdiff import` + `recdiff eval` on the same
data (BENCHMARKS.md, "Parity with the official code").

    python3 tests/parity/adrec_official_train.py OFFICIAL_REPO ml-100k 3 OUT.pth OUT.json
    python3 tests/parity/adrec_official_train.py OFFICIAL_REPO ml-100k 500 OUT.pth OUT.json --select

With --select, the official trainer's model selection: validation every 5
epochs (with its noise), a new best whenever any of HR/NDCG@5/10/20
improves, stop after 4 evaluations without one; the best model is saved.

OFFICIAL_REPO is a checkout of https://github.com/Nemo-1024/ADRec (its src/
and datasets/ folders are used in place; nothing is copied here). The run
follows the official trainer's ADRec path: the pre-trained item table
(saved/pretrain/<dataset>/pretrain.pth) frozen for the first 5 epochs, PCGrad
over the CE and MSE losses, Adam lr 1e-3, weight decay 1e-5, batch 512,
cosine annealing — at the official config.yaml values.

Evaluation draws no noise (every randn_like of the official module returns
zeros), so both sides are deterministic and must agree to float round-off;
the official evaluation with noise is reported beside it. Metrics are over
all users at once (the official loop averages per-batch means, a weighting
artefact of its batch size), full ranking over the whole table, history not
excluded, as the official code ranks.
"""
import argparse
import copy
import json
import os
import sys
import time
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_stand_ins  # noqa: E402


def config(dataset, item_num):
    return types.SimpleNamespace(
        dataset=dataset, hidden_size=128, item_num=item_num, max_len=50, dropout=0.1, emb_dropout=0.3,
        dif_decoder="att", dif_blocks=2, lambda_uncertainty=1e-3, diffusion_steps=32, noise_schedule="trunc_lin",
        beta_a=0.3, beta_b=10, rescale_timesteps=True, schedule_sampler_name="uniform", independent=True,
        cfg_scale=1, geodesic=False, is_causal=True, model="adrec", pretrained=True, freeze_emb=True,
        hidden_act="gelu", batch_size=512, lr=1e-3, weight_decay=1e-5, optimizer="Adam", momentum=None,
        loss="mse", loss_scale=1.0, pcgrad=False, parallel_ag=True, split_onebyone=False, device="cpu",
        metric_ks=[5, 10, 20], epochs=500)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("official_repo")
    parser.add_argument("dataset", help="ml-100k or baby (the official repository's names)")
    parser.add_argument("epochs", type=int)
    parser.add_argument("out_pth")
    parser.add_argument("out_json")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--select", action="store_true", help="the official trainer's validation and early stopping")
    a = parser.parse_args()
    official_stand_ins.install()
    src = os.path.join(os.path.abspath(a.official_repo), "src")
    sys.path.insert(0, src)
    out_pth, out_json = os.path.abspath(a.out_pth), os.path.abspath(a.out_json)
    os.chdir(src)  # the official code opens saved/pretrain/... relative to src/
    import adrec as official_adrec  # noqa: E402
    import metrics as official_metrics  # noqa: E402
    import model as official_model  # noqa: E402
    import pcgrad as official_pcgrad  # noqa: E402
    import utils as official_utils  # noqa: E402

    torch.set_num_threads(a.threads)
    torch.manual_seed(2025)
    with open(os.path.join("..", "datasets", "data", a.dataset, "dataset.pkl"), "rb") as f:
        import pickle
        raw = pickle.load(f)
    item_num = max(max(s) for part in ("train", "val", "test") for s in raw[part] if s)
    args = config(a.dataset, item_num)
    train_loader = official_utils.Data_Train(raw["train"], args).get_pytorch_dataloaders()
    test = official_utils.TestDataset(raw["train"], raw["val"], raw["test"], args.max_len)
    val = official_utils.ValDataset(raw["train"], raw["val"], args.max_len)
    randn_like = torch.randn_like  # official_adrec.th is the torch module itself

    def rank(dataset, draw):
        """The official metric code over all users of `dataset` at once."""
        official_adrec.th.randn_like = draw
        net.eval()
        history = torch.stack([dataset[i][0] for i in range(len(dataset))])
        answer = torch.stack([dataset[i][1] for i in range(len(dataset))])
        with torch.no_grad():
            _, last, _ = net(history, answer, train_flag=False)
            scores = net.calculate_score(last)
        official_adrec.th.randn_like = randn_like
        m = official_metrics.hrs_and_ndcgs_k(scores, answer[:, -1:], [5, 10, 20])
        return {k: 100 * v for k, v in m.items()}

    net = official_model.Att_Diffuse_model(args)
    optimizer = official_pcgrad.PCGrad(torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=args.weight_decay),
                                       args)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer.optim, T_max=500)
    log, best, best_state, bad, best_epoch = [], {}, None, 0, -1
    for epoch in range(a.epochs):
        net.train()
        if epoch == 5:
            net.item_embedding.weight.requires_grad = True  # the official warm-up ends
        start, ce_sum, mse_sum, batches = time.time(), 0.0, 0.0, 0
        for seq, tag in train_loader:
            optimizer.zero_grad()
            out_seq, _, mse = net(seq, tag, train_flag=True)
            ce = net.calculate_loss(out_seq, tag)
            optimizer.pc_backward([ce, args.loss_scale * mse])
            optimizer.step()
            ce_sum, mse_sum, batches = ce_sum + ce.item(), mse_sum + mse.item(), batches + 1
        schedule.step()
        log.append({"epoch": epoch, "seconds": time.time() - start, "ce": ce_sum / batches, "mse": mse_sum / batches})
        if a.select and epoch != 0 and epoch % 5 == 0:
            m = rank(val, randn_like)
            log[-1]["validation"] = m
            if any(v > best.get(k, 0.0) for k, v in m.items()):
                best = {k: max(v, best.get(k, 0.0)) for k, v in m.items()}
                best_state, bad, best_epoch = copy.deepcopy(net.state_dict()), 0, epoch
            else:
                bad += 1
        print(log[-1], flush=True)
        if a.select and bad >= 4:
            break
    if best_state is not None:
        net.load_state_dict(best_state)
    torch.save(net.state_dict(), out_pth)

    results = {}
    for name, draw in (("no_noise", torch.zeros_like), ("official_noise", randn_like)):
        torch.manual_seed(0)
        results[name] = rank(test, draw)
        print(name, results[name], flush=True)
    with open(out_json, "w") as f:
        json.dump({"dataset": a.dataset, "users": len(test), "best_epoch": best_epoch, "epochs": log, "test": results}, f,
                  indent=2)


if __name__ == "__main__":
    main()
