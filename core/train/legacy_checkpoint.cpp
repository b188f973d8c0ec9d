#include "core/train/legacy_checkpoint.h"

#include <memory>
#include <regex>
#include <sstream>

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

namespace recdiff::train {

namespace {

// What LibTorch's archive writer put in code/ for our checkpoints: a class
// per module, listing its parameters, buffers and typed attributes.
bool isDeclaration(const std::string& line) {
  static const std::regex declaration(
      R"(|class Module\(Module\):)"
      R"(|  __(parameters|buffers)__ = \[("[^"\\]*", )*("[^"\\]*")?\])"
      R"(|  __annotations__ = \[\])"
      R"(|  __annotations__\["[^"\\]*"\] = (Tensor|str|bool|int|float|__torch__(\.\w+)*\.Module))"
      R"(|  \w+ : (Tensor|str|bool|int|float|__torch__(\.\w+)*\.Module))");
  return std::regex_match(line, declaration);
}

}  // namespace

std::optional<std::string> firstExecutableLine(const std::string& path) {
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    for (const auto& name : reader->getAllRecords()) {
      const bool code = name.rfind("code/", 0) == 0 && name.size() > 3 && name.compare(name.size() - 3, 3, ".py") == 0;
      if (!code) continue;
      const auto [bytes, size] = reader->getRecord(name);
      std::istringstream text(std::string(static_cast<const char*>(bytes.get()), size));
      std::string line;
      for (int number = 1; std::getline(text, line); ++number) {
        if (!isDeclaration(line)) return name + ":" + std::to_string(number) + ": " + line.substr(0, 120);
      }
    }
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not readable (truncated or corrupt?): " + firstLine(e.what()));
  }
  return std::nullopt;
}

LegacyCheckpoint readLegacyCheckpoint(const std::string& path) {
  if (auto line = firstExecutableLine(path)) {
    throw CheckpointError(path +
                          ": refused: an old-format checkpoint that carries code, which would run "
                          "on loading (" +
                          *line +
                          "); RecDiff Studio never writes code into a "
                          "checkpoint, so this file was altered");
  }
  LegacyCheckpoint loaded;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    c10::IValue meta;
    if (!archive.try_read("recdiff_meta", meta) || !meta.isString()) {
      throw CheckpointError(path + ": not a RecDiff Studio checkpoint (no metadata)");
    }
    loaded.metaJson = meta.toStringRef();
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) throw CheckpointError(path + ": no model parameters");
    for (const auto& key : weights.keys()) {
      torch::Tensor t;
      if (weights.try_read(key, t, false) || weights.try_read(key, t, true)) {
        loaded.weights.emplace_back(key, t.to(torch::kCPU));
      }
    }
  } catch (const c10::Error& e) {
    throw CheckpointError(path + ": not readable (truncated or corrupt?): " + firstLine(e.what()));
  }
  return loaded;
}

}  // namespace recdiff::train
