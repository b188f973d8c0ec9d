#include "core/analysis/linear_probe.h"

#include "core/analysis/random_stream.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>

namespace recdiff::analysis {

namespace {

using Mat = Eigen::MatrixXd;

// Mean cross-entropy + l2/2 |W|^2 and its gradient; theta = [W; b] ((d+1) x C).
double objective(const Mat& x, const std::vector<int>& y, const Mat& theta, double l2, Mat& grad) {
  const Eigen::Index n = x.rows(), d = x.cols();
  Mat logits = x * theta.topRows(d);
  logits.rowwise() += theta.row(d);
  double loss = 0.0;
  Mat p(n, theta.cols());
  for (Eigen::Index i = 0; i < n; ++i) {
    const double m = logits.row(i).maxCoeff();
    p.row(i) = (logits.row(i).array() - m).exp();
    const double s = p.row(i).sum();
    p.row(i) /= s;
    loss += -(logits(i, y[static_cast<std::size_t>(i)]) - m - std::log(s));
    p(i, y[static_cast<std::size_t>(i)]) -= 1.0;  // p - onehot
  }
  loss /= static_cast<double>(n);
  grad.resize(theta.rows(), theta.cols());
  grad.topRows(d) = x.transpose() * p / static_cast<double>(n) + l2 * theta.topRows(d);
  grad.row(d) = p.colwise().sum() / static_cast<double>(n);
  return loss + 0.5 * l2 * theta.topRows(d).squaredNorm();
}

std::vector<int> predict(const Mat& x, const Mat& theta) {
  const Eigen::Index d = x.cols();
  Mat logits = x * theta.topRows(d);
  logits.rowwise() += theta.row(d);
  std::vector<int> out(static_cast<std::size_t>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Eigen::Index arg = 0;
    logits.row(i).maxCoeff(&arg);
    out[static_cast<std::size_t>(i)] = static_cast<int>(arg);
  }
  return out;
}

// L-BFGS with Armijo backtracking; returns the iterations used.
int minimise(const Mat& x, const std::vector<int>& y, Mat& theta, double l2, int maxIterations, double& finalLoss) {
  const int memory = 10;
  std::deque<Mat> s, yv;
  std::deque<double> rho;
  Mat grad, newGrad;
  double f = objective(x, y, theta, l2, grad);
  int it = 0;
  for (; it < maxIterations; ++it) {
    if (grad.cwiseAbs().maxCoeff() < 1e-7) break;
    // Two-loop recursion: direction = -H grad.
    Mat q = grad;
    std::vector<double> alpha(s.size());
    for (int t = static_cast<int>(s.size()) - 1; t >= 0; --t) {
      alpha[static_cast<std::size_t>(t)] =
          rho[static_cast<std::size_t>(t)] * s[static_cast<std::size_t>(t)].cwiseProduct(q).sum();
      q -= alpha[static_cast<std::size_t>(t)] * yv[static_cast<std::size_t>(t)];
    }
    double gammaScale = 1.0 / std::max(grad.norm(), 1e-12);  // first step: unit length
    if (!s.empty()) gammaScale = s.back().cwiseProduct(yv.back()).sum() / yv.back().squaredNorm();
    q *= gammaScale;
    for (std::size_t t = 0; t < s.size(); ++t) {
      const double beta = rho[t] * yv[t].cwiseProduct(q).sum();
      q += (alpha[t] - beta) * s[t];
    }
    Mat direction = -q;
    double slope = grad.cwiseProduct(direction).sum();
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      s.clear();
      yv.clear();
      rho.clear();
      direction = -grad / std::max(grad.norm(), 1e-12);
      slope = grad.cwiseProduct(direction).sum();
    }
    double step = 1.0, newF = f;
    Mat candidate;
    bool accepted = false;
    for (int tries = 0; tries < 40; ++tries) {
      candidate = theta + step * direction;
      newF = objective(x, y, candidate, l2, newGrad);
      if (newF <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    Mat sk = candidate - theta, yk = newGrad - grad;
    const double sy = sk.cwiseProduct(yk).sum();
    theta = candidate;
    grad = newGrad;
    const double previous = f;
    f = newF;
    if (sy > 1e-12) {
      s.push_back(std::move(sk));
      yv.push_back(std::move(yk));
      rho.push_back(1.0 / sy);
      if (static_cast<int>(s.size()) > memory) {
        s.pop_front();
        yv.pop_front();
        rho.pop_front();
      }
    }
    if (previous - f < 1e-12 * std::max(1.0, std::fabs(f))) {
      ++it;
      break;
    }
  }
  finalLoss = f;
  return it;
}

}  // namespace

ClassificationScores classificationScores(const std::vector<int>& truth, const std::vector<int>& predicted) {
  if (truth.size() != predicted.size())
    throw AnalysisError("classification scores: " + std::to_string(truth.size()) + " labels but " +
                        std::to_string(predicted.size()) + " predictions");
  ClassificationScores scores;
  if (truth.empty()) return scores;
  std::map<int, long> tp, fp, fn;
  std::set<int> classes;
  long correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    classes.insert(truth[i]);
    classes.insert(predicted[i]);
    if (truth[i] == predicted[i]) {
      ++correct;
      ++tp[truth[i]];
    } else {
      ++fp[predicted[i]];
      ++fn[truth[i]];
    }
  }
  scores.accuracy = static_cast<double>(correct) / static_cast<double>(truth.size());
  double f1Sum = 0.0;
  for (int c : classes) {
    const double t = static_cast<double>(tp[c]);
    const double denom = 2.0 * t + static_cast<double>(fp[c]) + static_cast<double>(fn[c]);
    f1Sum += denom > 0 ? 2.0 * t / denom : 0.0;
  }
  scores.macroF1 = f1Sum / static_cast<double>(classes.size());
  return scores;
}

LinearProbeResult linearProbe(const Matrix& x, const std::vector<int>& labels, const LinearProbeOptions& o) {
  if (static_cast<Eigen::Index>(labels.size()) != x.rows())
    throw AnalysisError("linear probe: " + std::to_string(x.rows()) + " embeddings but " +
                        std::to_string(labels.size()) + " labels");
  if (!(o.testFraction > 0 && o.testFraction < 1))
    throw AnalysisError("linear probe: the test fraction must be in (0, 1)");
  requireFinite(x, "linear probe input");
  std::vector<int> items;
  int classes = 0;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) {
      items.push_back(static_cast<int>(i));
      classes = std::max(classes, labels[i] + 1);
    }
  std::set<int> distinct;
  for (int i : items) distinct.insert(labels[static_cast<std::size_t>(i)]);
  if (distinct.size() < 2) throw AnalysisError("linear probe: need at least two categories");
  if (items.size() < 5) throw AnalysisError("linear probe: need at least five labelled items");

  RandomStream rng(o.seed);
  for (std::size_t t = items.size() - 1; t > 0; --t)
    std::swap(items[t], items[rng.below(static_cast<std::uint32_t>(t + 1))]);
  const auto testSize = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(o.testFraction * static_cast<double>(items.size()))), 1, items.size() - 1);
  const std::size_t trainSize = items.size() - testSize;

  const Eigen::Index d = x.cols();
  Mat train(static_cast<Eigen::Index>(trainSize), d), test(static_cast<Eigen::Index>(testSize), d);
  std::vector<int> yTrain(trainSize), yTest(testSize);
  for (std::size_t t = 0; t < items.size(); ++t) {
    const int i = items[t];
    if (t < trainSize) {
      train.row(static_cast<Eigen::Index>(t)) = x.row(i).cast<double>();
      yTrain[t] = labels[static_cast<std::size_t>(i)];
    } else {
      test.row(static_cast<Eigen::Index>(t - trainSize)) = x.row(i).cast<double>();
      yTest[t - trainSize] = labels[static_cast<std::size_t>(i)];
    }
  }
  const Eigen::RowVectorXd mean = train.colwise().mean();
  Eigen::RowVectorXd sd =
      ((train.rowwise() - mean).array().square().colwise().sum() / static_cast<double>(trainSize)).sqrt();
  for (Eigen::Index c = 0; c < d; ++c)
    if (!(sd(c) > 1e-12)) sd(c) = 1.0;  // a constant feature stays 0 after centring
  train = (train.rowwise() - mean).array().rowwise() / sd.array();
  test = (test.rowwise() - mean).array().rowwise() / sd.array();

  LinearProbeResult r;
  r.classes = classes;
  r.trainSize = static_cast<int>(trainSize);
  r.testSize = static_cast<int>(testSize);
  Mat theta = Mat::Zero(d + 1, classes);
  r.iterations = minimise(train, yTrain, theta, o.l2, o.maxIterations, r.finalLoss);
  r.train = classificationScores(yTrain, predict(train, theta));
  r.test = classificationScores(yTest, predict(test, theta));

  std::vector<long> counts(static_cast<std::size_t>(classes), 0);
  for (int c : yTrain) ++counts[static_cast<std::size_t>(c)];
  const int majority = static_cast<int>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  r.majority = classificationScores(yTest, std::vector<int>(testSize, majority));
  return r;
}

}  // namespace recdiff::analysis
