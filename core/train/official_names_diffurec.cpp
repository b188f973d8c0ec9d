// DiffuRec's official code (WHUIR/DiffuRec, src/model.py and src/diffurec.py)
// against ours (core/models/diffurec.h). Its Att_Diffuse_model holds the item
// table and the history LayerNorm; diffu.xstart_model is the approximator:
// time_embed.0/2 = the time MLP, att.transformer_blocks.<i> = the pre-LN
// blocks (attention.linear_layers.{0,1,2} = q, k, v, attention.w_layer = the
// output projection, feed_forward.w_1/w_2 = the FFN, input_sublayer.norm /
// output_sublayer.norm = the norms before attention / FFN), norm_diffu_rep =
// the output LayerNorm. Its position_embeddings, linear_item, linear_xt,
// linear_t and fuse_linear are never used in its forward pass: they are left
// over (the import reports them as unused keys).
//
// DiffuRecSys's official code (shararezr/DiffuRecSys, model.py and
// diffurec.py) against ours (core/models/diffurec.h, registered as
// "diffurecsys"). The module tree is DiffuRec's (above)
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

// What both codes share: the item table, the history LayerNorm, the output
// LayerNorm and the time MLP of diffu.xstart_model.
std::vector<OfficialWeight> sharedWeights() {
  std::vector<OfficialWeight> w;
  w.push_back({"embedding.items.weight", "item_embeddings.weight", true});
  addOfficialLinear(w, "input_norm", "LayerNorm");
  addOfficialLinear(w, "output_norm", "diffu.xstart_model.norm_diffu_rep");
  addOfficialLinear(w, "time.in", "diffu.xstart_model.time_embed.0");
  addOfficialLinear(w, "time.out", "diffu.xstart_model.time_embed.2");
  return w;
}

// The FFN and its norm of block <i>, the same in both.
void addFeedForward(std::vector<OfficialWeight>& w, const std::string& ours, const std::string& official) {
  addOfficialLinear(w, ours + "ffn_in", official + "feed_forward.w_1");
  addOfficialLinear(w, ours + "ffn_out", official + "feed_forward.w_2");
  addOfficialLinear(w, ours + "norm2", official + "output_sublayer.norm");
}

std::vector<OfficialWeight> diffurecWeights(const models::Config& config) {
  auto w = sharedWeights();
  for (std::int64_t i = 0; i < config.value("blocks", std::int64_t{4}); ++i) {
    const auto o = "block" + std::to_string(i) + ".";
    const auto r = "diffu.xstart_model.att.transformer_blocks." + std::to_string(i) + ".";
    addOfficialAttention(w, o + "self_attention", r + "attention");
    addOfficialLinear(w, o + "norm1", r + "input_sublayer.norm");
    addFeedForward(w, o, r);
  }
  return w;
}

std::vector<OfficialWeight> diffurecsysWeights(const models::Config& config) {
  auto w = sharedWeights();
  for (std::int64_t i = 0; i < config.value("blocks", std::int64_t{4}); ++i) {
    const auto n = std::to_string(i);
    const auto o = "block" + n + ".";
    const auto r = "diffu.xstart_model.att.transformer_blocks." + n + ".";
    addOfficialAttention(w, "cross" + n, r + "CA");
    addOfficialLinear(w, "cross_norm" + n, r + "input_sublayer.norm");
    addOfficialAttention(w, o + "self_attention", r + "MU");
    addOfficialLinear(w, o + "norm1", r + "input_sublayer.norm");
    addFeedForward(w, o, r);
  }
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

OfficialSource diffurecOfficialSource() {
  OfficialSource s;
  s.name = "diffurec-official";
  s.model = "diffurec";
  s.repository = "https://github.com/WHUIR/DiffuRec";
  s.description = "a state_dict of the official DiffuRec code's Att_Diffuse_model (model: diffurec)";
  s.referenceConfig = [] {
    return models::Config{{"reference_code", true},
                          {"attend_padding", true},
                          {"heads", 4},
                          {"causal", false},
                          {"cross_attention", false}};
  };
  s.weights = diffurecWeights;
  s.inferConfig = officialShape;
  return s;
}

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
