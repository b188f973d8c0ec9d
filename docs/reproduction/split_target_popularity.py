"""Why validation scores above test on the Amazon sets: how popular (in the
training part, each sequence without its last two items) the validation
target (second-to-last item) and the test target (last item) are.

Run from the repository root: python3 docs/reproduction/split_target_popularity.py
"""
import statistics
from collections import Counter

for name in ["beauty-adrec", "baby-adrec", "ml-100k-adrec", "beauty-diffurec"]:
    with open(f"../shared/datasets/{name}/sequences.txt") as f:
        seqs = [line.split()[1:] for line in f if line.strip()]
    counts = Counter(item for s in seqs for item in s[:-2])
    top20 = {item for item, _ in counts.most_common(20)}
    n = len(seqs)

    def share(pred):
        return 100.0 * sum(map(pred, seqs)) / n

    print(
        f"{name}: {n} users | popularity top-20 hit rate: validation {share(lambda s: s[-2] in top20):.2f} %, "
        f"test {share(lambda s: s[-1] in top20):.2f} % | target never in the training part: "
        f"validation {share(lambda s: counts[s[-2]] == 0):.2f} %, test {share(lambda s: counts[s[-1]] == 0):.2f} % | "
        f"median training count of the target: validation {statistics.median(counts[s[-2]] for s in seqs)}, "
        f"test {statistics.median(counts[s[-1]] for s in seqs)} | last item id above the second-to-last: "
        f"{share(lambda s: int(s[-1]) > int(s[-2])):.1f} %"
    )
