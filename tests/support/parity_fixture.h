// A fixture written by a tests/parity/<model>_official.py script, read
// without Python: <model>_state_dict.pth, the official model's state_dict as
// its trainer saves it, and <model>.pth, the inputs it was run on
// ("inputs/...") and what it computed ("outputs/...").
#pragma once

#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include <torch/torch.h>

#include "core/train/pytorch_state_dict.h"
#include "tests/support/source_tree.h"
#include "tests/support/check.h"

namespace recdiff::test {

struct ParityFixture {
  std::string stateDictPath;
  train::NamedTensors weights;  // the state_dict
  std::map<std::string, torch::Tensor> inputs, outputs;

  const torch::Tensor& input(const std::string& name) const { return at(inputs, "inputs/", name); }
  const torch::Tensor& output(const std::string& name) const { return at(outputs, "outputs/", name); }

 private:
  static const torch::Tensor& at(const std::map<std::string, torch::Tensor>& m, const char* group,
                                 const std::string& name) {
    const auto found = m.find(name);
    if (found == m.end()) throw Failure(std::string("the parity fixture has no ") + group + name);
    return found->second;
  }
};

// `model`: "adrec" reads adrec_state_dict.pth and adrec.pth.
inline ParityFixture loadParityFixture(const std::string& model) {
  ParityFixture f;
  const auto folder = sourceTreePath("tests/parity/fixtures/");
  f.stateDictPath = folder + model + "_state_dict.pth";
  f.weights = train::readPyTorchStateDict(f.stateDictPath);
  for (auto& [key, tensor] : train::readPyTorchStateDict(folder + model + ".pth")) {
    const auto slash = key.find('/');
    const auto group = key.substr(0, slash), rest = key.substr(slash + 1);
    if (group == "inputs") f.inputs.emplace(rest, tensor);
    if (group == "outputs") f.outputs.emplace(rest, tensor);
  }
  return f;
}

// The largest |ours - official| relative to the largest |official| of the
// tensor (an elementwise relative error is meaningless where a value is
// near 0): the measure the parity tests bound.
inline double relativeError(const torch::Tensor& ours, const torch::Tensor& official) {
  if (ours.sizes() != official.sizes()) {
    std::ostringstream text;
    text << "shapes differ: ours " << ours.sizes() << ", official " << official.sizes();
    throw Failure(text.str());
  }
  const auto a = ours.detach().to(torch::kDouble).cpu(), b = official.to(torch::kDouble);
  const double scale = std::max(b.abs().max().item<double>(), 1e-30);
  return (a - b).abs().max().item<double>() / scale;
}

// relativeError(), printed with the largest absolute error (the parity
// docs quote both), then returned for the test to bound.
inline double measuredError(const std::string& what, const torch::Tensor& ours, const torch::Tensor& official) {
  const double relative = relativeError(ours, official);
  const double absolute =
      (ours.detach().to(torch::kDouble).cpu() - official.to(torch::kDouble)).abs().max().item<double>();
  std::cout << "  " << what << ": max abs error " << absolute << ", relative " << relative << "\n";
  return relative;
}

}  // namespace recdiff::test
