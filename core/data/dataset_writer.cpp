#include "core/data/dataset_writer.h"

#include <filesystem>
#include <ostream>

#include "core/data/atomic_file.h"
#include "core/data/data_error.h"
#include "core/data/text_fields.h"

namespace recdiff::data {

namespace {

const std::string& checkedToken(const std::string& path, const std::string& token, const char* what) {
  if (token.empty() || containsWhitespace(token)) {
    throw DataError(path, 0,
                    std::string("cannot write ") + what + " '" + abbreviate(token, 40) +
                        "': ids written here must be non-empty and free of whitespace");
  }
  return token;
}

std::string cleanCategory(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == '|' || c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return std::string(trim(out));
}

void writeSamples(const std::string& path, const SequenceDataset& dataset, const std::vector<Sample>& samples) {
  for (const Sample& s : samples) {
    for (const ItemId id : s.history) checkedToken(path, dataset.items.token(id), "item");
    checkedToken(path, dataset.items.token(s.target), "item");
  }
  writeFileAtomically(path, [&](std::ostream& out) {
    for (const Sample& s : samples) {
      for (std::size_t i = 0; i < s.history.size(); ++i) {
        if (i > 0) out << ' ';
        out << dataset.items.token(s.history[i]);
      }
      out << '\t' << dataset.items.token(s.target) << '\n';
    }
  });
}

}  // namespace

void writeSequences(const std::string& path, const UserSequences& sequences) {
  for (std::size_t u = 0; u < sequences.sequences.size(); ++u) {
    checkedToken(path, sequences.userTokens[u], "user");
    for (const ItemId id : sequences.sequences[u]) checkedToken(path, sequences.items.token(id), "item");
  }
  writeFileAtomically(path, [&](std::ostream& out) {
    for (std::size_t u = 0; u < sequences.sequences.size(); ++u) {
      out << sequences.userTokens[u];
      for (const ItemId id : sequences.sequences[u]) out << ' ' << sequences.items.token(id);
      out << '\n';
    }
  });
}

void writeSequences(const std::string& path, const SequenceDataset& dataset) {
  if (dataset.split == SplitKind::Published) {
    throw DataError(path, 0,
                    "a published split has samples, not user sequences; "
                    "write it as a split folder instead");
  }
  writeSequences(path, userSequencesOf(dataset));
}

void writeItems(const std::string& path, const SequenceDataset& dataset) {
  const ItemMetadata& meta = dataset.metadata;
  if (meta.categories.empty()) throw DataError(path, 0, "the dataset has no item categories to write");
  for (ItemId id = 1; id <= dataset.numItems; ++id) checkedToken(path, dataset.items.token(id), "item");
  std::vector<std::string> names;
  for (const std::string& n : meta.categoryNames) names.push_back(cleanCategory(n));
  writeFileAtomically(path, [&](std::ostream& out) {
    for (ItemId id = 1; id <= dataset.numItems; ++id) {
      out << dataset.items.token(id) << '\t';
      const auto index = static_cast<std::size_t>(id);
      if (index < meta.categories.size()) {
        bool first = true;
        for (const int c : meta.categories[index]) {
          if (c < 0 || static_cast<std::size_t>(c) >= names.size()) continue;
          if (!first) out << '|';
          out << names[static_cast<std::size_t>(c)];
          first = false;
        }
      }
      out << '\n';
    }
  });
}

void writePublishedSplit(const std::string& folder, const SequenceDataset& dataset) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (!fs::is_directory(folder, ec)) throw DataError(folder, 0, "cannot create the folder");
  writeSamples((fs::path(folder) / "train.tsv").string(), dataset, dataset.train);
  writeSamples((fs::path(folder) / "val.tsv").string(), dataset, dataset.validation);
  writeSamples((fs::path(folder) / "test.tsv").string(), dataset, dataset.test);
}

}  // namespace recdiff::data
