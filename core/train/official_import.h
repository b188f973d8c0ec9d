// Opening a model trained with the official PyTorch code of a paper: its
// state_dict (read by pytorch_state_dict.h) is mapped name by name onto our
// model of the same architecture, every shape is checked, and nothing is
// guessed: keys of the file that map to nothing, and parameters of ours that
// no key fills, are listed by name.
//
// Each source ("adrec-official", ...) lives in its own file,
// official_names_<model>.cpp, which says how the official module tree maps
// onto ours and which of our config values reproduce the official code.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/data/sequence_dataset.h"
#include "core/models/model.h"
#include "core/train/checkpoint.h"
#include "core/train/tensor_file.h"

namespace recdiff::train {

// One of our parameters or buffers and where its values come from.
struct OfficialWeight {
  std::string ours;       // our name, as named_parameters()/named_buffers() give it
  std::string official;   // the official state_dict key, or "key[row]" for one row of it
  bool itemRows = false;  // rows indexed by item id (row 0 = padding): reordered to our ids
};

struct OfficialSource {
  std::string name;         // "adrec-official", the --from value
  std::string model;        // our model's registry name, "adrec"
  std::string repository;   // where the official code is, for messages
  std::string description;  // one line for --help
  // Our config values that make our model compute what the official code
  // computes (applied over the user's --set values, which may not contradict
  // them).
  std::function<models::Config()> referenceConfig;
  // The correspondence for a model of ours built with `config`. Weights of
  // ours absent from the list keep their initial values only if
  // `optional(ours)` says so (e.g. a buffer the official code does not have).
  std::function<std::vector<OfficialWeight>(const models::Config& config)> weights;
  std::function<bool(const std::string& ours)> optional = [](const std::string&) { return false; };
  // Where the official item-indexed tables keep padding: row 0 before items
  // 1..N (ADRec, DiffuRec), or the last row after items 0..N-1 (DreamRec).
  bool paddingRowLast = false;
  // The file holds only part of a model (a pre-trained item table): what
  // the rest of ours computes is untrained, and the Studio says so.
  bool partial = false;
  // The hyper-parameters the file's shapes tell (dim, block counts, ...),
  // so that a user need not know them; others (e.g. the diffusion steps,
  // which no weight records) keep the model's defaults.
  std::function<models::Config(const NamedTensors& file)> inferConfig = [](const NamedTensors&) {
    return models::Config::object();
  };
  // Whether `file` looks like this source's state_dict: every key it needs
  // for the inferred configuration is there.
  bool fits(const NamedTensors& file) const;
};

const std::vector<OfficialSource>& officialSources();
// Throws CheckpointError listing the known names when `name` is none of them.
const OfficialSource& officialSource(const std::string& name);

struct ImportReport {
  std::vector<std::string> copied;       // our names, in our order
  std::vector<std::string> unusedKeys;   // keys of the file no weight of ours reads
  std::vector<std::string> keptInitial;  // optional weights of ours the file lacks
};

// Copies `file` (keys as the official state_dict names them, possibly under
// a common prefix such as "model.", which is stripped when every key has it)
// into `model`. `officialRowOfItem[id]` is the row of an item-indexed table
// that holds our item `id` (index 0: padding, row 0); empty = the same ids.
// Throws CheckpointError naming `path` and listing every missing key and
// every shape mismatch at once; never copies part of it.
ImportReport importOfficialWeights(const std::string& path, const OfficialSource& source, const NamedTensors& file,
                                   models::Model& model, const std::vector<std::int64_t>& officialRowOfItem = {});

// For the name maps: our Linear/LayerNorm `ours` (.weight, .bias) from the
// official `official`; our MultiHeadAttention `ours` (q, k, v, out) from the
// official codes' common MultiHeadedAttention `official` (linear_layers.0-2,
// w_layer), which ADRec, DiffuRec and DiffuRecSys share.
void addOfficialLinear(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official);
void addOfficialAttention(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official);

// The tensor of `file` called `key`, or under a prefix ("model." + key);
// nullptr when there is none. For inferConfig functions.
const torch::Tensor* findOfficialTensor(const NamedTensors& file, const std::string& key);
// How many blocks "<prefix>.<i>.…" keys `file` has (the largest i + 1).
std::int64_t countOfficialBlocks(const NamedTensors& file, const std::string& prefix);

// The source whose keys `file` holds (the first of officialSources() that
// fits), or nullptr.
const OfficialSource* detectOfficialSource(const NamedTensors& file);

// The configuration to import `file` with: the model's defaults, what the
// file's shapes tell, the source's reference values.
models::Config importConfig(const OfficialSource& source, const NamedTensors& file);

// One line for people: what was imported, what was not used, what kept its
// initial value, which values were assumed.
std::string describeImport(const std::string& path, const OfficialSource& source, const ImportReport& report);

// The row order for a dataset whose item tokens are the official code's item
// ids: officialRowOfItem[id] = the integer of our item id's token, and
// officialRowOfItem[0] the padding row (0, or the last with paddingRowLast,
// whose items are numbered 0..rows-2). With `sameIds` our id i is the
// official item i whatever the tokens. Throws CheckpointError when a token is
// not an official id.
std::vector<std::int64_t> officialItemRows(const std::vector<std::string>& itemTokens, std::int64_t officialRows,
                                           bool paddingRowLast, bool sameIds);

// What `recdiff import` and the Studio's Load checkpoint share: the model of
// `config` for `dataset`, `file` (read from `path`) imported into it, and
// the checkpoint metadata that records the import, the item rows from
// officialItemRows(). Throws CheckpointError.
struct ImportedModel {
  models::ModelPtr model;  // in eval() mode
  CheckpointMeta meta;
  ImportReport report;
  std::string summary;  // describeImport()
};
ImportedModel buildImportedModel(const std::string& path, const OfficialSource& source, const NamedTensors& file,
                                 const models::Config& config, const data::SequenceDataset& dataset, bool sameIds,
                                 std::uint64_t seed);

}  // namespace recdiff::train
