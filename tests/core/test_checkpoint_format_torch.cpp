// Checkpoints and resume states are data only and checked (issue 44, cases 1,
// 2 and 5): the file is the safetensors layout with a CRC-32 over header and
// data; damaged, truncated and crafted files are refused with a message
// naming the file; an old LibTorch archive opens only when its code entries
// are plain declarations; a full disk leaves the old file whole.
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <caffe2/serialize/inline_container.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/data/crc32.h"
#include "core/train/checkpoint.h"
#include "core/train/legacy_checkpoint.h"
#include "core/train/tensor_file.h"
#include "core/train/training_state.h"
#include "tests/support/check.h"
#include "tests/support/file_size_limit.h"
#include "tests/support/memorisable_dataset.h"
#include "tests/support/torch_fixtures.h"

using namespace recdiff;
namespace fs = std::filesystem;

namespace {

models::ModelPtr smallModel(const std::string& name = "sasrec", const std::string& dim = "dim=8") {
  return test::configuredModel(name, {{dim, "max_length=10"}}, {40, 10});
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A tensor file by hand: the 8-byte length, `header`, then `data`.
std::string handMade(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((header.size() >> (8 * i)) & 0xFF);
  return out + header + data;
}

// The header of a saved tensor file, as JSON.
nlohmann::json headerOf(const std::string& bytes) {
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  return nlohmann::json::parse(bytes.substr(8, n));
}

void checkSameParameters(models::Model& a, models::Model& b) {
  const auto pa = a.named_parameters();
  const auto pb = b.named_parameters();
  CHECK_EQ(pa.size(), pb.size());
  for (const auto& p : pa) CHECK(torch::equal(p.value(), pb[p.key()]));
}

// A checkpoint as this program wrote them before format 2: a LibTorch
// archive holding the description (format_version 1) and the parameters.
void writeLegacyCheckpoint(const std::string& path, models::Model& model, const data::SequenceDataset& data) {
  const auto meta = train::describe(model, data);
  const nlohmann::json description = {{"format_version", 1},
                                      {"model", meta.modelName},
                                      {"config", meta.config},
                                      {"num_items", meta.shape.numItems},
                                      {"max_length", meta.shape.maxLength},
                                      {"dataset", meta.datasetName},
                                      {"dataset_fingerprint", meta.datasetFingerprint},
                                      {"item_tokens", meta.itemTokens},
                                      {"training", nlohmann::json::object()},
                                      {"metrics", nlohmann::json::object()}};
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive weights;
  for (const auto& p : model.named_parameters()) weights.write(p.key(), p.value().detach());
  for (const auto& b : model.named_buffers()) weights.write(b.key(), b.value().detach(), true);
  archive.write("model", weights);
  archive.write("recdiff_meta", c10::IValue(description.dump()));
  archive.save_to(path);
}

// A copy of the archive at `from` whose code entry `entry` has `extra`
// appended: what the probe of issue 44 did to make a checkpoint run code.
void copyWithCode(const std::string& from, const std::string& to, const std::string& entry, const std::string& extra) {
  caffe2::serialize::PyTorchStreamReader reader(from);
  caffe2::serialize::PyTorchStreamWriter writer(to);
  for (const auto& name : reader.getAllRecords()) {
    const auto [bytes, size] = reader.getRecord(name);
    std::string content(static_cast<const char*>(bytes.get()), size);
    if (name == entry) content += extra;
    writer.writeRecord(name, content.data(), content.size());
  }
  writer.writeEndOfFile();
}

}  // namespace

TEST_CASE("a checkpoint is a safetensors file with a CRC-32 over header and data") {
  auto data = test::memorisable();
  auto model = smallModel();
  const std::string path = test::makeTempDir() + "/m.ckpt";
  train::saveCheckpoint(path, *model, train::describe(*model, data));
  const std::string bytes = slurp(path);
  auto header = headerOf(bytes);
  std::uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i) headerBytes = (headerBytes << 8) | static_cast<unsigned char>(bytes[i]);
  CHECK_EQ(headerBytes % 8, 0U);  // the data starts aligned
  CHECK_EQ(header["__metadata__"]["format"].get<std::string>(), std::string("recdiff-checkpoint"));
  CHECK_EQ(header["__metadata__"]["format_version"].get<std::string>(), std::string("2"));
  // Every parameter is there, as F32 of its shape, and the offsets tile the data.
  std::uint64_t total = 0;
  for (const auto& p : model->named_parameters()) {
    const auto& entry = header.at(p.key());
    CHECK_EQ(entry["dtype"].get<std::string>(), std::string("F32"));
    CHECK(entry["shape"].get<std::vector<std::int64_t>>() == p.value().sizes().vec());
    total += entry["data_offsets"][1].get<std::uint64_t>() - entry["data_offsets"][0].get<std::uint64_t>();
  }
  for (const auto& b : model->named_buffers()) {
    total += header.at(b.key())["data_offsets"][1].get<std::uint64_t>() -
             header.at(b.key())["data_offsets"][0].get<std::uint64_t>();
  }
  CHECK_EQ(total, bytes.size() - 8 - headerBytes);
  // The checksum, recomputed as a Python user would: zlib.crc32 of the
  // header without it (compact, sorted keys) followed by the data.
  const std::string stored = header["__metadata__"]["checksum"].get<std::string>();
  header["__metadata__"].erase("checksum");
  const std::string canonical = header.dump();
  std::uint32_t crc = data::crc32(canonical.data(), canonical.size());
  crc = data::crc32(bytes.data() + 8 + headerBytes, bytes.size() - 8 - headerBytes, crc);
  char expected[16];
  std::snprintf(expected, sizeof expected, "crc32:%08x", crc);
  CHECK_EQ(stored, std::string(expected));
  // And it loads back to the same parameters.
  auto loaded = train::loadCheckpoint(path, &data);
  checkSameParameters(*model, *loaded.model);
}

TEST_CASE("every single-byte change to a checkpoint is refused, naming the file") {
  // Before: 16 of 50 flipped bytes loaded and gave other metrics (issue 44, case 2).
  auto data = test::memorisable();
  auto model = smallModel();
  const std::string dir = test::makeTempDir();
  const std::string good = dir + "/good.ckpt";
  train::saveCheckpoint(good, *model, train::describe(*model, data));
  const std::string bytes = slurp(good);
  const std::string damaged = dir + "/damaged.ckpt";
  int refused = 0, tried = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 1 + bytes.size() / 300) {
    for (unsigned char mask : {0x01, 0x80, 0xFF}) {
      std::string copy = bytes;
      copy[at] = static_cast<char>(copy[at] ^ mask);
      spit(damaged, copy);
      ++tried;
      try {
        train::loadCheckpoint(damaged, &data);
        std::printf("  a flip of byte %zu by 0x%02x loaded\n", at, mask);
      } catch (const train::CheckpointError& e) {
        if (std::string(e.what()).find("damaged.ckpt") != std::string::npos) ++refused;
      }
    }
  }
  CHECK_EQ(refused, tried);
  CHECK(tried > 600);
}

TEST_CASE("truncated checkpoints are refused at every length") {
  auto data = test::memorisable();
  auto model = smallModel();
  const std::string dir = test::makeTempDir();
  const std::string good = dir + "/good.ckpt";
  train::saveCheckpoint(good, *model, train::describe(*model, data));
  const std::string bytes = slurp(good);
  for (std::size_t size : {std::size_t{0}, std::size_t{3}, std::size_t{8}, std::size_t{9}, std::size_t{200},
                           bytes.size() / 2, bytes.size() - 4, bytes.size() - 1}) {
    spit(dir + "/cut.ckpt", bytes.substr(0, size));
    CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/cut.ckpt"), "cut.ckpt");
    CHECK_THROWS_WITH(train::CheckpointError, train::readCheckpointMeta(dir + "/cut.ckpt"), "cut.ckpt");
  }
}

TEST_CASE("crafted tensor files are refused with the reason") {
  const std::string dir = test::makeTempDir();
  const std::string path = dir + "/crafted.ckpt";
  auto refuses = [&](const std::string& bytes, const std::string& reason) {
    spit(path, bytes);
    CHECK_THROWS_WITH(train::CheckpointError, train::readTensorFile(path), reason);
  };
  const std::string meta = R"("__metadata__":{"checksum":"crc32:00000000"})";
  // A header length far beyond the file; one that is 2^64 - 1.
  std::string huge(8, '\xFF');
  refuses(huge + "{}", "the header is said to be");
  refuses(handMade("not json", ""), "the header is not a JSON object");
  refuses(handMade("[1,2]", ""), "not a JSON object");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", std::string(8, 'x')),
          "lie outside the data");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})",
                   std::string(8, 'x')),
          "larger than the file");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", std::string(8, 'x')),
          "not a list of sizes");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"PY_OBJECT","shape":[2],"data_offsets":[0,8]}})", std::string(8, 'x')),
          "unknown dtype");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)" +
                       R"("v":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                   std::string(12, 'x')),
          "overlaps another or leaves a gap");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(9, 'x')),
          "the tensors take 8 bytes, the file holds 9");
  refuses(handMade(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(8, 'x')),
          "has no checksum");
  refuses(handMade("{" + meta + R"(,"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(8, 'x')),
          "its checksum does not match");
  // A well-formed safetensors file that is not ours.
  train::writeTensorFile(path, {{"format", "something-else"}}, {{"w", torch::zeros({2})}});
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(path), "not a RecDiff Studio checkpoint");
  CHECK_THROWS_WITH(train::CheckpointError, train::loadTrainingState(path), "not a RecDiff Studio training state");
}

TEST_CASE("a folder, a named pipe or a missing file is refused without blocking") {
  const std::string dir = test::makeTempDir();
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir), "is a folder");
  const std::string pipe = dir + "/pipe.ckpt";
  CHECK_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(pipe), "not a regular file");
  CHECK_THROWS_WITH(train::CheckpointError, train::loadTrainingState(pipe), "not a regular file");
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(dir + "/missing.ckpt"), "no such file");
}

TEST_CASE("an old-format checkpoint opens and upgrades; one that carries code is refused unread") {
  // Issue 44, case 1: a __setstate__ added to the archive's code ran on load.
  auto data = test::memorisable();
  auto model = smallModel("adigrec", "dim=16");
  const std::string dir = test::makeTempDir();
  const std::string old = dir + "/old.ckpt";
  writeLegacyCheckpoint(old, *model, data);
  CHECK(train::isZipArchive(old));
  CHECK(!train::firstExecutableLine(old).has_value());
  auto loaded = train::loadCheckpoint(old, &data);
  checkSameParameters(*model, *loaded.model);
  CHECK_EQ(train::readCheckpointMeta(old).modelName, std::string("adigrec"));

  const std::string upgraded = dir + "/upgraded.ckpt";
  train::upgradeCheckpoint(old, upgraded);
  CHECK(!train::isZipArchive(upgraded));
  checkSameParameters(*model, *train::loadCheckpoint(upgraded, &data).model);
  CHECK_THROWS_WITH(train::CheckpointError, train::upgradeCheckpoint(upgraded, dir + "/again.ckpt"),
                    "not an old-format checkpoint");

  // The probe's change: a method that writes a file when the archive loads.
  const std::string marker = dir + "/marker";
  const std::string evil = dir + "/evil.ckpt";
  copyWithCode(old, evil, "code/__torch__.py",
               "  def __setstate__(self, state: Tuple[str]) -> None:\n"
               "    torch.save(torch.zeros(1), \"" +
                   marker + "\")\n");
  const auto line = train::firstExecutableLine(evil);
  CHECK(line.has_value() && line->find("code/__torch__.py:") == 0 &&
        line->find("def __setstate__") != std::string::npos);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(evil), "carries code");
  CHECK_THROWS_WITH(train::CheckpointError, train::readCheckpointMeta(evil), "evil.ckpt");
  CHECK_THROWS_WITH(train::CheckpointError, train::upgradeCheckpoint(evil, dir + "/x.ckpt"), "carries code");
  CHECK(!fs::exists(marker));
  CHECK(!fs::exists(dir + "/x.ckpt"));
  // Statements other than functions are code too.
  copyWithCode(old, evil, "code/__torch__.py", "import os\n");
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(evil), "import os");
}

TEST_CASE("a full disk keeps the old checkpoint whole and leaves no .part") {
  // Issue 44, case 5: LibTorch's zip writer aborted the process on ENOSPC.
  auto data = test::memorisable();
  auto small = smallModel();
  auto big = smallModel("sasrec", "dim=64");
  const std::string path = test::makeTempDir() + "/m.ckpt";
  train::saveCheckpoint(path, *small, train::describe(*small, data));
  const std::string before = slurp(path);
  {
    test::FileSizeLimit limit(before.size() + 1024);
    CHECK_THROWS_WITH(train::CheckpointError, train::saveCheckpoint(path, *big, train::describe(*big, data)),
                      "writing failed");
  }
  CHECK(slurp(path) == before);
  CHECK(!fs::exists(path + ".part"));
  checkSameParameters(*small, *train::loadCheckpoint(path, &data).model);
}

TEST_CASE("the optimiser's state round-trips as plain tensors, exactly") {
  for (const std::string kind : {"adam", "adamw"}) {
    torch::manual_seed(3);
    auto a = torch::randn({4, 3}, torch::requires_grad());
    auto b = a.detach().clone().requires_grad_();
    std::unique_ptr<torch::optim::Optimizer> first, second;
    if (kind == "adam") {
      first = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{a}, torch::optim::AdamOptions(0.1));
      second = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{b}, torch::optim::AdamOptions(0.1));
    } else {
      first = std::make_unique<torch::optim::AdamW>(std::vector<torch::Tensor>{a}, torch::optim::AdamWOptions(0.1));
      second = std::make_unique<torch::optim::AdamW>(std::vector<torch::Tensor>{b}, torch::optim::AdamWOptions(0.1));
    }
    auto step = [](torch::optim::Optimizer& o, torch::Tensor& p) {
      o.zero_grad();
      (p * p).sum().backward();
      o.step();
    };
    step(*first, a);
    step(*first, a);
    {
      torch::NoGradGuard noGrad;
      b.copy_(a);
    }
    const auto stored = train::serializeOptimizer(*first);
    CHECK_EQ(stored.size(), 3U);  // step, exp_avg, exp_avg_sq of parameter 0
    train::restoreOptimizer(*second, stored);
    step(*first, a);
    step(*second, b);
    CHECK(torch::equal(a, b));
    // A state of the wrong shape is refused with the entry's name.
    auto wrong = stored;
    wrong[1].second = torch::zeros({2});
    CHECK_THROWS_WITH(train::CheckpointError, train::restoreOptimizer(*second, wrong), "0.exp_avg");
  }
}

TEST_CASE("a resume state from before format 2 is refused with what to do") {
  const std::string dir = test::makeTempDir();
  torch::serialize::OutputArchive archive;
  archive.write("recdiff_training_state", c10::IValue(std::string("{}")));
  archive.save_to(dir + "/old.ckpt.resume");
  CHECK_THROWS_WITH(train::CheckpointError, train::loadTrainingState(dir + "/old.ckpt.resume"), "start the run again");
  auto data = test::memorisable();
  auto model = smallModel();
  train::saveCheckpoint(dir + "/m.ckpt", *model, train::describe(*model, data));
  CHECK_THROWS_WITH(train::CheckpointError, train::loadTrainingState(dir + "/m.ckpt"),
                    "not a RecDiff Studio training state");
}

TEST_CASE("a description promising a model larger than the file is refused before it is built") {
  // num_items 10^9 in an otherwise valid file would make loading allocate an
  // item table of 10^9 rows.
  auto data = test::memorisable();
  auto model = smallModel();
  const std::string path = test::makeTempDir() + "/large.ckpt";
  auto meta = train::describe(*model, data);
  meta.shape.numItems = 1'000'000'000;
  train::saveCheckpoint(path, *model, meta);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(path), "lists 40 item ids");
  meta = train::describe(*model, data);
  meta.config["dim"] = 4096;
  train::saveCheckpoint(path, *model, meta);
  CHECK_THROWS_WITH(train::CheckpointError, train::loadCheckpoint(path), "stores no item table of that size");
}
