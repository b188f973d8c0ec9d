// Reading torch.save files without Python (core/train/pytorch_state_dict.h):
// the fixtures are written by tests/parity/state_dict_samples.py with
// Debian's python3-torch; the values below are the ones it saves.
#include <filesystem>
#include <fstream>
#include <map>

#include <torch/torch.h>

#include "core/train/pytorch_state_dict.h"
#include "tests/support/source_tree.h"
#include "tests/support/check.h"

using namespace recdiff;

namespace {

std::string fixture(const std::string& name) { return test::sourceTreePath("tests/parity/fixtures/" + name); }

std::map<std::string, torch::Tensor> byName(const train::NamedTensors& tensors) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, tensor] : tensors) out.emplace(name, tensor);
  return out;
}

bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() && torch::equal(a, b);
}

}  // namespace

TEST_CASE("a torch.save file gives every tensor, named by its path, with its dtype and values") {
  const auto tensors = train::readPyTorchStateDict(fixture("state_dict_sample.pth"));
  std::vector<std::string> names;
  for (const auto& [name, tensor] : tensors) names.push_back(name);
  // File order; plain values (epoch, name, lr, None) are not tensors.
  const std::vector<std::string> expected = {"model.steps",
                                             "model.flags",
                                             "model.linear.weight",
                                             "model.linear.bias",
                                             "transposed",
                                             "head",
                                             "tail",
                                             "half",
                                             "layers.0",
                                             "layers.1",
                                             "scalar",
                                             "parameter"};
  CHECK(names == expected);
  auto t = byName(tensors);
  CHECK(sameTensor(t["model.linear.weight"], torch::arange(6, torch::kFloat).view({2, 3}) / 4 - 0.5));
  CHECK(sameTensor(t["model.linear.bias"], torch::tensor({1.5f, -2.25f})));
  CHECK(sameTensor(t["model.steps"], torch::tensor({std::int64_t{7}, std::int64_t{-3}, std::int64_t{1} << 40})));
  CHECK(sameTensor(t["model.flags"], torch::tensor({true, false, true})));
  CHECK(sameTensor(t["half"], torch::tensor({0.5, -1.0}).to(torch::kHalf)));
  CHECK(sameTensor(t["layers.0"], torch::ones({2})));
  CHECK(sameTensor(t["layers.1"], torch::zeros({1}, torch::kInt)));
  CHECK(sameTensor(t["scalar"], torch::tensor(2.5f)));
  CHECK(sameTensor(t["parameter"], torch::full({2}, 4.0f)));
}

TEST_CASE("views keep their strides and offsets: a transpose and two slices of one storage") {
  auto t = byName(train::readPyTorchStateDict(fixture("state_dict_sample.pth")));
  CHECK(sameTensor(t["transposed"], torch::arange(12, torch::kDouble).view({3, 4}).t().contiguous()));
  CHECK(t["transposed"].is_contiguous());
  CHECK(sameTensor(t["head"], torch::arange(2, 5, torch::kFloat)));
  CHECK(sameTensor(t["tail"], torch::arange(6, 10, torch::kFloat).view({2, 2})));
  // Copies: changing one does not change the other.
  t["head"].fill_(0);
  CHECK(t["tail"].sum().item<float>() == 6 + 7 + 8 + 9);
}

TEST_CASE("a file whose unpickling would run code is refused, naming the class, and runs nothing") {
  const std::string marker = "/tmp/recdiff-pickle-was-executed";
  std::filesystem::remove(marker);
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(fixture("malicious.pth")),
                    "refused to load 'posix.system'");
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(fixture("malicious.pth")), "data.pkl, byte ");
  CHECK(!std::filesystem::exists(marker));
}

TEST_CASE("the pre-1.6 format, a truncated archive and a file that is not PyTorch's get one clear line each") {
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(fixture("legacy_format.pth")),
                    "format before PyTorch 1.6");
  const auto dir = test::makeTempDir();
  {
    std::ifstream in(fixture("state_dict_sample.pth"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir + "/truncated.pth", std::ios::binary).write(bytes.data(), bytes.size() / 2);
    std::ofstream(dir + "/text.pth") << "not a model\n";
  }
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(dir + "/truncated.pth"), "truncated.pth: ");
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(dir + "/text.pth"), "not a PyTorch file");
  CHECK_THROWS_WITH(train::CheckpointError, train::readPyTorchStateDict(dir + "/absent.pth"), "cannot be opened");
}
