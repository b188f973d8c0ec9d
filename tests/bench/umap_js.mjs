// Times umap-js (the PAIR-code JavaScript UMAP, the widely used
// implementation that this machine's package registries offer; umap-learn is
// not packaged for Debian) on the points that
// `recdiff bench projection --write-points FILE` wrote, with the parameters
// our UMAP uses by default, and prints JSON comparable with that command's.
//
// Not a test and not part of the build: a reference timing for BENCHMARKS.md.
//   npm install --prefix /tmp/umapjs umap-js
//   NODE_PATH=/tmp/umapjs/node_modules node tests/bench/umap_js.mjs /tmp/points.tsv
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { UMAP } = require('umap-js');

// A seeded generator (mulberry32), so that repeated runs lay out the same.
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fraction of each point's k nearest map neighbours from its own cluster
// (brute force, keeping the k nearest by insertion; outside the timed part).
function labelAgreement(embedding, labels, k = 10) {
  let same = 0;
  const n = embedding.length;
  for (let i = 0; i < n; ++i) {
    const bestD = new Array(k).fill(Infinity), bestJ = new Array(k).fill(-1);
    for (let j = 0; j < n; ++j) {
      if (j === i) continue;
      const dx = embedding[i][0] - embedding[j][0], dy = embedding[i][1] - embedding[j][1];
      const d = dx * dx + dy * dy;
      if (d >= bestD[k - 1]) continue;
      let p = k - 1;
      while (p > 0 && bestD[p - 1] > d) { bestD[p] = bestD[p - 1]; bestJ[p] = bestJ[p - 1]; --p; }
      bestD[p] = d; bestJ[p] = j;
    }
    for (const j of bestJ) if (labels[j] === labels[i]) ++same;
  }
  return same / (n * k);
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node umap_js.mjs POINTS.tsv');
  process.exit(2);
}
const rows = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split('\t').map(Number));
const labels = rows.map((r) => r[0]);
const x = rows.map((r) => r.slice(1));

const start = process.hrtime.bigint();
const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, spread: 1.0, nEpochs: 500,
                        random: seededRandom(1) });
const embedding = umap.fit(x);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

const { version } = require('umap-js/package.json');
console.log(JSON.stringify({
  implementation: `umap-js ${version} (JavaScript, one thread)`,
  points: x.length, dimension: x[0].length, threads: 1,
  umap_seconds: seconds,
  umap_label_agreement: labelAgreement(embedding, labels),
}));
