#include "core/train/demo_recipe.h"

namespace recdiff::train::demo {

data::SyntheticConfig syntheticConfig() {
  data::SyntheticConfig c;  // 1000 users, 500 items, 8 categories, 1..4 interests
  c.seed = 7;
  return c;
}

models::Config modelConfig() {
  return {{"dim", 32},   {"interests", 4}, {"diffusion_steps", 50}, {"lambda2", 0.1},  {"batch_size", 128},
          {"epochs", 8}, {"patience", 3},  {"lr", 0.005},           {"max_length", 50}};
}

std::vector<DemoModel> models() {
  models::Config withoutRegulariser = modelConfig();
  withoutRegulariser["reg"] = "off";
  const models::Config dimerec = {{"dim", 32},   {"interests", 4}, {"diffusion_steps", 20}, {"batch_size", 128},
                                  {"epochs", 8}, {"patience", 3},  {"lr", 0.005},           {"max_length", 50}};
  return {{"ADIGRec (demo)", kModelName, modelConfig()},
          {"ADIGRec without L_reg (demo)", kModelName, withoutRegulariser},
          {"DimeRec (demo)", "dimerec", dimerec}};
}

}  // namespace recdiff::train::demo
