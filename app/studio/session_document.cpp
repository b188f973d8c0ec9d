#include "app/studio/session_document.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdint>
#include <limits>
#include <type_traits>
#include <set>

#include "app/studio/core_facade.h"

namespace recdiff::studio {

namespace {

using nlohmann::json;

const char* filterName(data::FilterMode m) {
  switch (m) {
    case data::FilterMode::Apply:
      return "apply";
    case data::FilterMode::None:
      return "none";
    case data::FilterMode::Auto:
      break;
  }
  return "auto";
}

data::FilterMode parseFilter(const std::string& s) {
  if (s == "auto") return data::FilterMode::Auto;
  if (s == "apply") return data::FilterMode::Apply;
  if (s == "none") return data::FilterMode::None;
  throw SessionError("dataset.filter: expected auto, apply or none, got '" + s + "'");
}

// Typed access with a message naming the key when the type is wrong.
template <typename T>
T get(const json& object, const char* key, const T& fallback, const std::string& where) {
  if (!object.is_object() || !object.contains(key) || object[key].is_null()) return fallback;
  // An integer field must hold an integer that fits: nlohmann converts a
  // float such as 7e62 with a plain cast, which is undefined behaviour (found
  // by fuzz_session under UBSan).
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    const json& v = object[key];
    const bool fits =
        v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
        : v.is_number_integer()
            ? v.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                  (v.get<std::int64_t>() < 0 || static_cast<std::uint64_t>(v.get<std::int64_t>()) <=
                                                    static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
            : false;
    if (!fits)
      throw SessionError(where + "." + key + ": unexpected value " + v.dump() + " (expected a whole number in range)");
  }
  try {
    return object[key].get<T>();
  } catch (const json::exception&) {
    throw SessionError(where + "." + key + ": unexpected value " + object[key].dump());
  }
}

json specToJson(const data::DatasetSpec& s, const QDir& base) {
  json j = {{"path", relativePath(base, s.path)},
            {"format", data::toString(s.format)},
            {"filter", filterName(s.filter)},
            {"preprocess",
             {{"dedupe", s.preprocess.dedupe},
              {"min_item_count", s.preprocess.minItemCount},
              {"min_sequence_length", s.preprocess.minSequenceLength},
              {"max_length", s.preprocess.maxLength}}},
            {"split", s.split ? data::toString(*s.split) : "default"},
            {"seed", s.seed},
            {"ratios", {s.ratios.train, s.ratios.validation, s.ratios.test}},
            {"items_path", relativePath(base, s.itemsPath)},
            {"load_items", s.loadItems},
            {"strict", s.read.strict},
            {"name", s.name}};
  return j;
}

data::DatasetSpec specFromJson(const json& j, const QDir& base) {
  const std::string w = "dataset";
  data::DatasetSpec s;
  s.path = absolutePath(base, get<std::string>(j, "path", "", w));
  if (s.path.empty()) throw SessionError("dataset.path: missing");
  try {
    s.format = data::parseDataFormat(get<std::string>(j, "format", "auto", w));
  } catch (const std::invalid_argument& e) {
    throw SessionError(std::string("dataset.format: ") + e.what());
  }
  s.filter = parseFilter(get<std::string>(j, "filter", "auto", w));
  const json pre = j.value("preprocess", json::object());
  s.preprocess.dedupe = get<bool>(pre, "dedupe", s.preprocess.dedupe, w + ".preprocess");
  s.preprocess.minItemCount = get<int>(pre, "min_item_count", s.preprocess.minItemCount, w + ".preprocess");
  s.preprocess.minSequenceLength =
      get<int>(pre, "min_sequence_length", s.preprocess.minSequenceLength, w + ".preprocess");
  s.preprocess.maxLength = get<int>(pre, "max_length", s.preprocess.maxLength, w + ".preprocess");
  const std::string split = get<std::string>(j, "split", "default", w);
  if (split != "default") {
    try {
      s.split = data::parseSplitKind(split);
    } catch (const std::invalid_argument& e) {
      throw SessionError(std::string("dataset.split: ") + e.what());
    }
  }
  s.seed = get<std::uint64_t>(j, "seed", s.seed, w);
  const auto ratios = get<std::vector<double>>(j, "ratios", {}, w);
  if (ratios.size() == 3) s.ratios = {ratios[0], ratios[1], ratios[2]};
  s.itemsPath = absolutePath(base, get<std::string>(j, "items_path", "", w));
  s.loadItems = get<bool>(j, "load_items", true, w);
  s.read.strict = get<bool>(j, "strict", false, w);
  s.name = get<std::string>(j, "name", "", w);
  return s;
}

json syntheticToJson(const data::SyntheticConfig& c) {
  return {{"users", c.users},
          {"items", c.items},
          {"categories", c.categories},
          {"max_interests_per_user", c.maxInterestsPerUser},
          {"mean_length", c.meanLength},
          {"min_length", c.minLength},
          {"max_length", c.maxLength},
          {"stay_probability", c.stayProbability},
          {"popularity_skew", c.popularitySkew},
          {"embedding_dim", c.embeddingDim},
          {"centre_scale", c.centreScale},
          {"item_spread", c.itemSpread},
          {"noise_probability", c.noiseProbability},
          {"seed", c.seed}};
}

data::SyntheticConfig syntheticFromJson(const json& j) {
  const std::string w = "dataset.synthetic";
  data::SyntheticConfig c;
  c.users = get<int>(j, "users", c.users, w);
  c.items = get<int>(j, "items", c.items, w);
  c.categories = get<int>(j, "categories", c.categories, w);
  c.maxInterestsPerUser = get<int>(j, "max_interests_per_user", c.maxInterestsPerUser, w);
  c.meanLength = get<double>(j, "mean_length", c.meanLength, w);
  c.minLength = get<int>(j, "min_length", c.minLength, w);
  c.maxLength = get<int>(j, "max_length", c.maxLength, w);
  c.stayProbability = get<double>(j, "stay_probability", c.stayProbability, w);
  c.popularitySkew = get<double>(j, "popularity_skew", c.popularitySkew, w);
  c.embeddingDim = get<int>(j, "embedding_dim", c.embeddingDim, w);
  c.centreScale = get<double>(j, "centre_scale", c.centreScale, w);
  c.itemSpread = get<double>(j, "item_spread", c.itemSpread, w);
  c.noiseProbability = get<double>(j, "noise_probability", c.noiseProbability, w);
  c.seed = get<std::uint64_t>(j, "seed", c.seed, w);
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    throw SessionError(w + ": " + e.what());
  }
  return c;
}

}  // namespace

std::string relativePath(const QDir& base, const std::string& path) {
  if (path.empty()) return path;
  const QString p = QString::fromStdString(path);
  if (QFileInfo(p).isRelative()) return path;
  return QDir::fromNativeSeparators(base.relativeFilePath(p)).toStdString();
}

std::string absolutePath(const QDir& base, const std::string& path) {
  if (path.empty()) return path;
  const QString p = QString::fromStdString(path);
  if (!QFileInfo(p).isRelative()) return QDir::cleanPath(p).toStdString();
  return QDir::cleanPath(base.absoluteFilePath(p)).toStdString();
}

json SessionDocument::toJson(const QDir& base) const {
  json j;
  j["format"] = kFormatName;
  j["version"] = kFormatVersion;
  j["title"] = title;
  switch (dataset.kind) {
    case DatasetSource::Kind::None:
      j["dataset"] = nullptr;
      break;
    case DatasetSource::Kind::File:
      j["dataset"] = specToJson(dataset.spec, base);
      j["dataset"]["source"] = "file";
      break;
    case DatasetSource::Kind::Synthetic:
      j["dataset"] = {{"source", "synthetic"}, {"synthetic", syntheticToJson(dataset.synthetic)}};
      break;
  }
  json list = json::array();
  for (const ModelEntry& m : models) {
    list.push_back({{"id", m.id},
                    {"label", m.label},
                    {"model", m.modelName},
                    {"config", m.config},
                    {"checkpoint", relativePath(base, m.checkpoint)},
                    {"results", m.results},
                    {"history", m.history}});
  }
  j["models"] = list;
  j["current_model"] = currentModel;
  j["training"] = {{"device", training.device},
                   {"threads", training.threads},
                   {"epochs", training.epochs},
                   {"validation_samples", training.validationSamples},
                   {"seed", training.seed}};
  j["view_state"] = viewState.is_object() ? viewState : json::object();
  return j;
}

SessionDocument SessionDocument::fromJson(const json& j, const QDir& base) {
  if (!j.is_object()) throw SessionError("not a session: the file holds no JSON object");
  if (!j.contains("format") || !j["format"].is_string() || j["format"].get<std::string>() != kFormatName) {
    throw SessionError(std::string("not a RecDiff Studio session (\"format\" should be \"") + kFormatName + "\")");
  }
  const int version = get<int>(j, "version", 0, "session");
  if (version < 1 || version > kFormatVersion) {
    throw SessionError("session format version " + std::to_string(version) +
                       " is not supported (this studio reads version " + std::to_string(kFormatVersion) + ")");
  }
  SessionDocument s;
  s.title = get<std::string>(j, "title", "", "session");
  const json dataset = j.value("dataset", json());
  if (dataset.is_object()) {
    const std::string source = get<std::string>(dataset, "source", "file", "dataset");
    if (source == "synthetic") {
      s.dataset.kind = DatasetSource::Kind::Synthetic;
      s.dataset.synthetic = syntheticFromJson(dataset.value("synthetic", json::object()));
    } else if (source == "file") {
      s.dataset.kind = DatasetSource::Kind::File;
      s.dataset.spec = specFromJson(dataset, base);
    } else {
      throw SessionError("dataset.source: expected file or synthetic, got '" + source + "'");
    }
  } else if (!dataset.is_null()) {
    throw SessionError("dataset: expected an object or null");
  }
  const json list = j.value("models", json::array());
  if (!list.is_array()) throw SessionError("models: expected a list");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& m = list[i];
    const std::string w = "models[" + std::to_string(i) + "]";
    if (!m.is_object()) throw SessionError(w + ": expected an object");
    ModelEntry e;
    e.modelName = get<std::string>(m, "model", "", w);
    if (e.modelName.empty()) throw SessionError(w + ".model: missing");
    e.id = get<std::string>(m, "id", "", w);
    if (e.id.empty() || ids.count(e.id)) e.id = "m" + std::to_string(i + 1);
    ids.insert(e.id);
    e.label = get<std::string>(m, "label", e.modelName, w);
    e.config = m.value("config", json::object());
    if (!e.config.is_object()) throw SessionError(w + ".config: expected an object");
    // Checked against the model's declared ranges before anything uses it.
    const models::ModelInfo* info = core::findModel(e.modelName);
    if (!info) {
      throw SessionError(w + ": unknown model '" + e.modelName + "' (this studio has no such model)");
    }
    try {
      models::validateConfig(*info, e.config);
    } catch (const models::ConfigError& error) {
      throw SessionError(w + ".config: " + error.what());
    }
    e.checkpoint = absolutePath(base, get<std::string>(m, "checkpoint", "", w));
    e.results = m.value("results", json::object());
    if (!e.results.is_object()) e.results = json::object();
    e.history = m.value("history", json::array());
    if (!e.history.is_array()) e.history = json::array();
    s.models.push_back(std::move(e));
  }
  s.currentModel = get<int>(j, "current_model", s.models.empty() ? -1 : 0, "session");
  if (s.currentModel >= static_cast<int>(s.models.size())) s.currentModel = static_cast<int>(s.models.size()) - 1;
  if (s.currentModel < 0 && !s.models.empty()) s.currentModel = 0;
  const json training = j.value("training", json::object());
  s.training.device = get<std::string>(training, "device", "cpu", "training");
  s.training.threads = get<int>(training, "threads", 0, "training");
  s.training.epochs = get<std::int64_t>(training, "epochs", -1, "training");
  s.training.validationSamples = get<std::int64_t>(training, "validation_samples", 0, "training");
  s.training.seed = get<std::uint64_t>(training, "seed", 42, "training");
  s.viewState = j.value("view_state", json::object());
  if (!s.viewState.is_object()) s.viewState = json::object();
  return s;
}

std::string SessionDocument::newModelId() const {
  for (int n = 1;; ++n) {
    const std::string id = "m" + std::to_string(n);
    bool used = false;
    for (const ModelEntry& m : models) used = used || m.id == id;
    if (!used) return id;
  }
}

ModelEntry* SessionDocument::current() {
  if (currentModel < 0 || currentModel >= static_cast<int>(models.size())) return nullptr;
  return &models[static_cast<std::size_t>(currentModel)];
}

const ModelEntry* SessionDocument::current() const { return const_cast<SessionDocument*>(this)->current(); }

void saveSessionFile(const QString& path, const SessionDocument& session) {
  const QFileInfo info(path);
  const std::string text = session.toJson(info.absoluteDir()).dump(2) + "\n";
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) {
    throw SessionError(path.toStdString() + ": cannot write: " + file.errorString().toStdString());
  }
  if (file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())) {
    file.cancelWriting();
    throw SessionError(path.toStdString() + ": cannot write: " + file.errorString().toStdString());
  }
  if (!file.commit()) {
    throw SessionError(path.toStdString() + ": cannot save: " + file.errorString().toStdString());
  }
}

SessionDocument loadSessionFile(const QString& path) {
  const std::string name = path.toStdString();
  QFile file(path);
  if (!file.exists()) throw SessionError(name + ": no such file");
  if (!file.open(QIODevice::ReadOnly)) {
    throw SessionError(name + ": cannot read: " + file.errorString().toStdString());
  }
  const QByteArray bytes = file.readAll();
  json j;
  try {
    j = json::parse(bytes.constBegin(), bytes.constEnd());
  } catch (const json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into a line for the user.
    const auto offset = static_cast<qsizetype>(std::min<std::size_t>(e.byte, static_cast<std::size_t>(bytes.size())));
    const int line = static_cast<int>(bytes.left(offset).count('\n')) + 1;
    throw SessionError(name + ":" + std::to_string(line) + ": not valid JSON (the file may be damaged or truncated)");
  } catch (const json::exception& e) {  // e.g. a number too large for a double (found by fuzz_session)
    throw SessionError(name + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  QFileInfo info(path);
  try {
    return SessionDocument::fromJson(j, info.absoluteDir());
  } catch (const SessionError& e) {
    throw SessionError(name + ": " + e.what());
  } catch (const json::exception& e) {
    // A field of the wrong type that no check above names (found by
    // fuzz_session: {"format": 5} ended the Studio).
    throw SessionError(name + ": a field has the wrong type (" + std::string(e.what()) + ")");
  }
}

}  // namespace recdiff::studio
