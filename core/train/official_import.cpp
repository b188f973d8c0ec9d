#include "core/train/official_import.h"

#include <algorithm>
#include <map>
#include <set>

#include <torch/torch.h>

#include "core/models/model_registry.h"
#include "core/train/checkpoint_error.h"

namespace recdiff::train {

// Defined in official_names_<model>.cpp, one file per official code.
OfficialSource adrecOfficialSource();
OfficialSource adrecOfficialPretrainSource();
OfficialSource diffurecOfficialSource();
OfficialSource diffurecsysOfficialSource();
OfficialSource dreamrecOfficialSource();

// Detection tries them in this order: DiffuRecSys before DiffuRec (its keys
// are DiffuRec's and more), a full model before a file with only an item
// table (adrec-official-pretrain fits any file that has one).
const std::vector<OfficialSource>& officialSources() {
  static const std::vector<OfficialSource> sources = {adrecOfficialSource(), diffurecsysOfficialSource(),
                                                      diffurecOfficialSource(), dreamrecOfficialSource(),
                                                      adrecOfficialPretrainSource()};
  return sources;
}

const OfficialSource& officialSource(const std::string& name) {
  std::string known;
  for (const auto& source : officialSources()) {
    if (source.name == name) return source;
    known += (known.empty() ? "" : ", ") + source.name;
  }
  throw CheckpointError("unknown official source \"" + name + "\" (expected one of: " + known + ")");
}

namespace {

// "key" or "key[row]": a tensor of the file, or one row of it.
struct OfficialKey {
  std::string key;
  std::int64_t row = -1;
};

OfficialKey parseKey(const std::string& text) {
  const auto open = text.rfind('[');
  if (open == std::string::npos || text.back() != ']') return {text, -1};
  return {text.substr(0, open), std::stoll(text.substr(open + 1, text.size() - open - 2))};
}

std::string shapeText(const torch::Tensor& t) {
  std::string out = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) out += (i ? ", " : "") + std::to_string(t.size(i));
  return out + "]";
}

// The file's tensors by name, without a prefix that every key carries when
// the mapping's keys are not found as they are ("model.", "module." of a
// wrapped model).
std::map<std::string, torch::Tensor> indexFile(const NamedTensors& file, const std::vector<OfficialWeight>& weights) {
  std::map<std::string, torch::Tensor> byName(file.begin(), file.end());
  const bool direct = std::any_of(weights.begin(), weights.end(),
                                  [&](const OfficialWeight& w) { return byName.count(parseKey(w.official).key) > 0; });
  if (direct || file.empty()) return byName;
  const auto dot = file.front().first.find('.');
  if (dot == std::string::npos) return byName;
  const auto prefix = file.front().first.substr(0, dot + 1);
  for (const auto& [name, tensor] : file) {
    if (name.rfind(prefix, 0) != 0) return byName;
  }
  std::map<std::string, torch::Tensor> stripped;
  for (const auto& [name, tensor] : file) stripped.emplace(name.substr(prefix.size()), tensor);
  return stripped;
}

}  // namespace

void addOfficialLinear(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official) {
  out.push_back({ours + ".weight", official + ".weight"});
  out.push_back({ours + ".bias", official + ".bias"});
}

void addOfficialAttention(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official) {
  addOfficialLinear(out, ours + ".q", official + ".linear_layers.0");
  addOfficialLinear(out, ours + ".k", official + ".linear_layers.1");
  addOfficialLinear(out, ours + ".v", official + ".linear_layers.2");
  addOfficialLinear(out, ours + ".out", official + ".w_layer");
}

const torch::Tensor* findOfficialTensor(const NamedTensors& file, const std::string& key) {
  for (const auto& [name, tensor] : file) {
    const bool prefixed = name.size() > key.size() && name.compare(name.size() - key.size(), key.size(), key) == 0 &&
                          name[name.size() - key.size() - 1] == '.';
    if (name == key || prefixed) return &tensor;
  }
  return nullptr;
}

std::int64_t countOfficialBlocks(const NamedTensors& file, const std::string& prefix) {
  std::int64_t count = 0;
  const auto marker = prefix + ".";
  for (const auto& [name, tensor] : file) {
    const auto at = name.find(marker);
    if (at == std::string::npos || (at > 0 && name[at - 1] != '.')) continue;
    const auto begin = at + marker.size(), end = name.find('.', begin);
    try {
      count = std::max<std::int64_t>(count, std::stoll(name.substr(begin, end - begin)) + 1);
    } catch (const std::exception&) {
    }
  }
  return count;
}

bool OfficialSource::fits(const NamedTensors& file) const {
  const auto w = weights(importConfig(*this, file));
  const auto byName = indexFile(file, w);
  return std::all_of(w.begin(), w.end(),
                     [&](const OfficialWeight& x) { return byName.count(parseKey(x.official).key) > 0; });
}

const OfficialSource* detectOfficialSource(const NamedTensors& file) {
  for (const auto& source : officialSources()) {
    if (source.fits(file)) return &source;
  }
  return nullptr;
}

models::Config importConfig(const OfficialSource& source, const NamedTensors& file) {
  auto config = models::modelInfo(source.model).defaults();
  // Named: items() of a temporary would outlive it in a range-for.
  const auto inferred = source.inferConfig(file), reference = source.referenceConfig();
  for (const auto& [key, value] : inferred.items()) config[key] = value;
  for (const auto& [key, value] : reference.items()) config[key] = value;
  return config;
}

std::string describeImport(const std::string& path, const OfficialSource& source, const ImportReport& report) {
  const auto n = report.copied.size();
  std::string text =
      "imported " + std::to_string(n) + (n == 1 ? " tensor of " : " tensors of ") + path + " (" + source.name + ")";
  if (!report.unusedKeys.empty()) text += "; " + std::to_string(report.unusedKeys.size()) + " keys of the file unused";
  // A long list (a file with only the item table) is a count: the line is
  // for a status bar; `recdiff import` lists every name.
  if (report.keptInitial.size() > 4) {
    text += "; " + std::to_string(report.keptInitial.size()) + " weights of ours kept their initial values";
  } else if (!report.keptInitial.empty()) {
    text += "; kept their initial values:";
    for (const auto& name : report.keptInitial) text += " " + name;
  }
  return text;
}

ImportedModel buildImportedModel(const std::string& path, const OfficialSource& source, const NamedTensors& file,
                                 const models::Config& config, const data::SequenceDataset& dataset, bool sameIds,
                                 std::uint64_t seed) {
  std::int64_t tableRows = 0;
  const auto w = source.weights(config);
  const auto byName = indexFile(file, w);
  for (const auto& x : w) {
    const auto found = byName.find(parseKey(x.official).key);
    if (x.itemRows && found != byName.end() && found->second.dim() > 0) tableRows = found->second.size(0);
  }
  // Without the table, importOfficialWeights names the missing key.
  std::vector<std::int64_t> rows;
  if (tableRows > 0) {
    try {
      rows = officialItemRows(dataset.items.tokens(), tableRows, source.paddingRowLast, sameIds);
    } catch (const CheckpointError& e) {
      throw CheckpointError(path + ": " + e.what());
    }
  }
  ImportedModel out;
  out.model =
      models::createModel(source.model, config, {dataset.numItems, config.at("max_length").get<std::int64_t>()}, seed);
  out.report = importOfficialWeights(path, source, file, *out.model, rows);
  out.model->eval();
  out.summary = describeImport(path, source, out.report);
  out.meta = describe(*out.model, dataset);
  out.meta.training = {{"imported_from",
                        {{"source", source.name},
                         {"file", path},
                         {"repository", source.repository},
                         {"copied", out.report.copied.size()},
                         {"unused_keys", out.report.unusedKeys},
                         {"kept_initial", out.report.keptInitial},
                         {"partial", source.partial},
                         {"summary", out.summary}}}};
  return out;
}

std::vector<std::int64_t> officialItemRows(const std::vector<std::string>& itemTokens, std::int64_t officialRows,
                                           bool paddingRowLast, bool sameIds) {
  const long long first = paddingRowLast ? 0 : 1, last = paddingRowLast ? officialRows - 2 : officialRows - 1;
  std::vector<std::int64_t> rows = {paddingRowLast ? officialRows - 1 : 0};
  for (std::size_t i = 0; i < itemTokens.size(); ++i) {
    if (sameIds) {
      rows.push_back(static_cast<std::int64_t>(i) + first);
      continue;
    }
    const auto& token = itemTokens[i];
    std::size_t used = 0;
    long long value = -1;
    try {
      value = std::stoll(token, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != token.size() || value < first || value > last)
      throw CheckpointError("item " + std::to_string(i + 1) + " of the dataset is '" + token +
                            "', not one of the official ids " + std::to_string(first) + ".." + std::to_string(last) +
                            ": import needs the dataset the official code was trained on (or, when item i is row "
                            "i of its table whatever the tokens, recdiff import --same-ids)");
    rows.push_back(value);
  }
  return rows;
}

ImportReport importOfficialWeights(const std::string& path, const OfficialSource& source, const NamedTensors& file,
                                   models::Model& model, const std::vector<std::int64_t>& officialRowOfItem) {
  if (model.modelName() != source.model)
    throw CheckpointError(path + ": " + source.name + " imports into a " + source.model + " model, not " +
                          model.modelName());
  const auto weights = source.weights(model.config());
  const auto byName = indexFile(file, weights);

  std::map<std::string, torch::Tensor> ours;
  for (const auto& item : model.named_parameters(true)) ours.emplace(item.key(), item.value());
  for (const auto& item : model.named_buffers(true)) ours.emplace(item.key(), item.value());

  std::vector<std::string> problems;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;  // (ours, from the file)
  std::set<std::string> filled, used;
  for (const auto& w : weights) {
    const auto target = ours.find(w.ours);
    if (target == ours.end()) {
      problems.push_back("the mapping names '" + w.ours + "', which this model does not have");
      continue;
    }
    const auto key = parseKey(w.official);
    const auto found = byName.find(key.key);
    if (found == byName.end()) {
      problems.push_back("missing key '" + key.key + "' (for " + w.ours + ")");
      continue;
    }
    used.insert(key.key);
    auto value = found->second;
    if (key.row >= 0) {
      if (value.dim() == 0 || key.row >= value.size(0)) {
        problems.push_back("'" + key.key + "' " + shapeText(value) + " has no row " + std::to_string(key.row));
        continue;
      }
      value = value.select(0, key.row);
    }
    if (w.itemRows && !officialRowOfItem.empty()) {
      const auto maxRow = *std::max_element(officialRowOfItem.begin(), officialRowOfItem.end());
      if (value.dim() == 0 || maxRow >= value.size(0)) {
        problems.push_back("'" + w.official + "' " + shapeText(value) + " has no row " + std::to_string(maxRow) +
                           " for the dataset's items");
        continue;
      }
      value = value.index_select(0, torch::tensor(officialRowOfItem, torch::kLong));
    }
    if (!value.is_floating_point() && target->second.is_floating_point()) {
      problems.push_back("'" + w.official + "' holds integers, " + w.ours + " is real-valued");
      continue;
    }
    if (value.sizes() != target->second.sizes()) {
      problems.push_back("'" + w.official + "' is " + shapeText(value) + ", " + w.ours + " needs " +
                         shapeText(target->second));
      continue;
    }
    copies.emplace_back(target->second, value);
    filled.insert(w.ours);
  }
  ImportReport report;
  for (const auto& [name, tensor] : ours) {
    if (filled.count(name)) continue;
    if (source.optional(name)) {
      report.keptInitial.push_back(name);
    } else if (std::none_of(weights.begin(), weights.end(), [&](const OfficialWeight& w) { return w.ours == name; })) {
      problems.push_back("no key of the file fills " + name);
    }
  }
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    throw CheckpointError(path + ": not a " + source.name + " state_dict for this configuration: " + text);
  }
  torch::NoGradGuard noGrad;
  for (auto& [target, value] : copies) target.copy_(value.to(target.scalar_type()));
  for (const auto& item : model.named_parameters(true)) {
    if (filled.count(item.key())) report.copied.push_back(item.key());
  }
  for (const auto& item : model.named_buffers(true)) {
    if (filled.count(item.key())) report.copied.push_back(item.key());
  }
  for (const auto& [name, tensor] : byName) {
    if (!used.count(name)) report.unusedKeys.push_back(name);
  }
  return report;
}

}  // namespace recdiff::train
