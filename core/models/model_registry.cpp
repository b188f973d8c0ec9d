#include "core/models/model_registry.h"

#include <functional>

#include "core/models/adigrec.h"
#include "core/models/adrec.h"
#include "core/models/comirec.h"
#include "core/models/dae4rec.h"
#include "core/models/diffurec.h"
#include "core/models/dimerec.h"
#include "core/models/dreamrec.h"
#include "core/models/sasrec.h"

namespace recdiff::models {

namespace {

using Factory = std::function<ModelPtr(const Config&, const DataShape&)>;

struct Entry {
  ModelInfo info;
  Factory create;
};

template <typename M>
Factory factory() {
  return [](const Config& c, const DataShape& s) { return std::make_shared<M>(c, s); };
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {adigrecInfo(), factory<AdigRec>()},
      {sasrecInfo(), factory<SasRec>()},
      {comirecInfo(), factory<ComiRec>()},
      {dimerecInfo(), factory<DimeRec>()},
      {dreamrecInfo(), factory<DreamRec>()},
      {dae4recInfo(), factory<Dae4Rec>()},
      {adrecInfo(), factory<AdRec>()},
      {diffurecInfo(), factory<DiffuRec>()},
      {diffurecsysInfo(), factory<DiffuRecSys>()},
  };
  return all;
}

const Entry& entry(const std::string& name) {
  for (const Entry& e : entries()) {
    if (e.info.name == name) return e;
  }
  std::string known;
  for (const Entry& e : entries()) known += (known.empty() ? "" : ", ") + e.info.name;
  throw ConfigError("unknown model '" + name + "' (known: " + known + ")");
}

}  // namespace

const std::vector<ModelInfo>& registeredModels() {
  static const std::vector<ModelInfo> infos = [] {
    std::vector<ModelInfo> v;
    for (const Entry& e : entries()) v.push_back(e.info);
    return v;
  }();
  return infos;
}

const ModelInfo& modelInfo(const std::string& name) { return entry(name).info; }

ModelPtr createModel(const std::string& name, const Config& config, const DataShape& shape,
                     std::optional<std::uint64_t> initSeed) {
  const Entry& e = entry(name);
  validateConfig(e.info, config);
  Config full = e.info.defaults();
  for (auto it = config.begin(); it != config.end(); ++it) full[it.key()] = it.value();
  if (shape.numItems < 1) throw ConfigError("model '" + name + "' needs a dataset with at least one item");
  DataShape effective = shape;
  effective.maxLength = full.at("max_length").get<std::int64_t>();
  if (initSeed) torch::manual_seed(*initSeed);
  return e.create(full, effective);
}

}  // namespace recdiff::models
