// DiffuRecSys's official code (shararezr/DiffuRecSys, model.py and
// diffurec.py) against ours (core/models/diffurec.h, registered as
// "diffurecsys"). The module tree is DiffuRec's (official_names_diffurec.cpp)
// except the blocks of diffu.xstart_model.att.transformer_blocks.<i>: CA =
// the cross-attention (linear_layers.{0,1,2} = q from λ⊙(x_t+d_t), k and v
// from the sequence; w_layer = the output projection), MU = the
// self-attention, and input_sublayer.norm serves both (copied into our
// cross_norm<i> and block<i>.norm1). Never used in its forward pass, so
// reported as unused keys: CA.proj_out.* (a StylizationBlock whose call is
// commented out), diffu.xstart_model.CA.* (a module-level cross-attention
// that is never called), position_embeddings, linear_item, linear_xt,
// linear_t, fuse_linear.
#include "core/train/official_import.h"

namespace recdiff::train {

namespace {

void addLinear(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official) {
  out.push_back({ours + ".weight", official + ".weight"});
  out.push_back({ours + ".bias", official + ".bias"});
}

void addAttention(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official) {
  addLinear(out, ours + ".q", official + ".linear_layers.0");
  addLinear(out, ours + ".k", official + ".linear_layers.1");
  addLinear(out, ours + ".v", official + ".linear_layers.2");
  addLinear(out, ours + ".out", official + ".w_layer");
}

std::vector<OfficialWeight> diffurecsysWeights(const models::Config& config) {
  std::vector<OfficialWeight> w;
  w.push_back({"embedding.items.weight", "item_embeddings.weight", true});
  addLinear(w, "input_norm", "LayerNorm");
  const std::string x = "diffu.xstart_model.";
  const auto blocks = config.value("blocks", std::int64_t{4});
  for (std::int64_t i = 0; i < blocks; ++i) {
    const auto n = std::to_string(i);
    const auto o = "block" + n + ".";
    const auto r = x + "att.transformer_blocks." + n + ".";
    addAttention(w, "cross" + n, r + "CA");
    addLinear(w, "cross_norm" + n, r + "input_sublayer.norm");
    addAttention(w, o + "self_attention", r + "MU");
    addLinear(w, o + "norm1", r + "input_sublayer.norm");
    addLinear(w, o + "ffn_in", r + "feed_forward.w_1");
    addLinear(w, o + "ffn_out", r + "feed_forward.w_2");
    addLinear(w, o + "norm2", r + "output_sublayer.norm");
  }
  addLinear(w, "output_norm", x + "norm_diffu_rep");
  addLinear(w, "time.in", x + "time_embed.0");
  addLinear(w, "time.out", x + "time_embed.2");
  return w;
}

// What the file's shapes tell: d (the item table), the number of blocks,
// and max_length (its position table, unused by its forward pass but sized
// max_len, the width its loader pads every history to).
models::Config officialShape(const NamedTensors& file) {
  models::Config c = models::Config::object();
  if (const auto* table = findOfficialTensor(file, "item_embeddings.weight"); table && table->dim() == 2)
    c["dim"] = table->size(1);
  if (const auto blocks = countOfficialBlocks(file, "diffu.xstart_model.att.transformer_blocks")) c["blocks"] = blocks;
  if (const auto* positions = findOfficialTensor(file, "position_embeddings.weight");
      positions && positions->dim() == 2)
    c["max_length"] = positions->size(0);
  return c;
}

}  // namespace

OfficialSource diffurecsysOfficialSource() {
  OfficialSource s;
  s.name = "diffurecsys-official";
  s.model = "diffurecsys";
  s.repository = "https://github.com/shararezr/DiffuRecSys";
  s.description = "a state_dict of the official DiffuRecSys code's Att_Diffuse_model (model: diffurecsys)";
  s.referenceConfig = [] {
    return models::Config{{"reference_code", true},
                          {"attend_padding", true},
                          {"heads", 4},
                          {"causal", false},
                          {"cross_attention", true},
                          {"cross_query", "target"},
                          {"cross_form", "efficient"},
                          {"chain_blocks", false},
                          {"offset_noise", false},
                          {"ensemble", 1}};
  };
  s.weights = diffurecsysWeights;
  s.inferConfig = officialShape;
  return s;
}

}  // namespace recdiff::train
