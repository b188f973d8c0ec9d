#!/usr/bin/env python3
"""Times scikit-learn's Barnes-Hut t-SNE on the points that
`recdiff bench projection --write-points FILE` wrote, with the parameters our
t-SNE uses by default, and prints JSON comparable with that command's output.

Not a test and not part of the build: a reference timing for BENCHMARKS.md.
Needs python3-sklearn (Debian): apt-get install python3-sklearn.

    python3 tests/bench/tsne_sklearn.py /tmp/points.tsv --threads 2
"""
import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE
from sklearn.neighbors import NearestNeighbors


def label_agreement(embedding, labels, k=10):
    """Fraction of each point's k nearest map neighbours from its own cluster."""
    neighbours = NearestNeighbors(n_neighbors=k + 1).fit(embedding)
    _, index = neighbours.kneighbors(embedding)
    return float((labels[index[:, 1:]] == labels[:, None]).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("points", help="TSV from recdiff bench projection --write-points")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    table = np.loadtxt(args.points, delimiter="\t", dtype=np.float32)
    labels, x = table[:, 0].astype(int), table[:, 1:]
    start, cpu = time.perf_counter(), time.process_time()
    tsne = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto",
                n_iter=1000, init="pca", method="barnes_hut", angle=0.5, n_jobs=args.threads,
                random_state=args.seed)
    embedding = tsne.fit_transform(x)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({
        "implementation": "scikit-learn " + sklearn.__version__ + " TSNE (barnes_hut)",
        "points": int(x.shape[0]), "dimension": int(x.shape[1]), "threads": args.threads,
        "tsne_seconds": seconds, "tsne_cpu_seconds": cpu_seconds,
        "tsne_kl": float(tsne.kl_divergence_),
        "tsne_label_agreement": label_agreement(embedding, labels),
    }))


if __name__ == "__main__":
    main()
