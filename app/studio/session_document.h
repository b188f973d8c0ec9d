// A session: the dataset (a file's spec or the synthetic generator's
// configuration), the models with their configurations, checkpoints,
// training histories and results, the training settings, and a generic
// "view_state" object that panels (and later inspection docks) extend.
//
// On disk it is JSON, written atomically (QSaveFile). Paths are stored
// relative to the session file, so a session folder can be moved or shared.
#pragma once

#include <QDir>
#include <QString>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/data/dataset_loader.h"
#include "core/data/synthetic.h"
#include "core/models/model_config.h"
#include "views/training_progress.h"

namespace recdiff::studio {

class SessionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DatasetSource {
  enum class Kind { None, File, Synthetic };
  Kind kind = Kind::None;
  data::DatasetSpec spec;           // Kind::File; paths absolute in memory
  data::SyntheticConfig synthetic;  // Kind::Synthetic
};

struct ModelEntry {
  std::string id;         // stable within the session, e.g. "m1"
  std::string label;      // shown in the comparison table
  std::string modelName;  // registry key
  models::Config config = models::Config::object();
  std::string checkpoint;  // absolute in memory, "" = none
  // {"validation": metrics, "test": metrics, "best_epoch": n, "evaluated_split": "test"}
  nlohmann::json results = nlohmann::json::object();
  nlohmann::json history = nlohmann::json::array();  // one object per epoch
};

struct SessionDocument {
  static constexpr int kFormatVersion = 1;
  static constexpr const char* kFormatName = "recdiff-studio-session";

  std::string title;  // free text, shown in the window title
  DatasetSource dataset;
  std::vector<ModelEntry> models;
  int currentModel = -1;
  views::TrainingRequest training;
  nlohmann::json viewState = nlohmann::json::object();

  // `base` is the folder relative paths are written against / read from.
  nlohmann::json toJson(const QDir& base) const;
  // Throws SessionError naming what is wrong (without the file name).
  static SessionDocument fromJson(const nlohmann::json& json, const QDir& base);

  std::string newModelId() const;
  ModelEntry* current();
  const ModelEntry* current() const;
};

// Writes atomically: a temporary file beside `path`, then a rename. Throws
// SessionError with the path and the reason; the old file is untouched.
void saveSessionFile(const QString& path, const SessionDocument& session);
// Throws SessionError "<file>: <problem>" for a missing, unreadable,
// non-JSON or invalid file. Never modifies the file.
SessionDocument loadSessionFile(const QString& path);

// "a/b/c" relative to `base` when `path` is absolute; "" stays "".
std::string relativePath(const QDir& base, const std::string& path);
std::string absolutePath(const QDir& base, const std::string& path);

}  // namespace recdiff::studio
