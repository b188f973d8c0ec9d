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
#include "core/train/official_import.h"

namespace recdiff::train {

namespace {

void addLinear(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official) {
  out.push_back({ours + ".weight", official + ".weight"});
  out.push_back({ours + ".bias", official + ".bias"});
}

std::vector<OfficialWeight> diffurecWeights(const models::Config& config) {
  std::vector<OfficialWeight> w;
  w.push_back({"embedding.items.weight", "item_embeddings.weight", true});
  addLinear(w, "input_norm", "LayerNorm");
  const std::string x = "diffu.xstart_model.";
  const auto blocks = config.value("blocks", std::int64_t{4});
  for (std::int64_t i = 0; i < blocks; ++i) {
    const auto o = "block" + std::to_string(i) + ".";
    const auto r = x + "att.transformer_blocks." + std::to_string(i) + ".";
    addLinear(w, o + "self_attention.q", r + "attention.linear_layers.0");
    addLinear(w, o + "self_attention.k", r + "attention.linear_layers.1");
    addLinear(w, o + "self_attention.v", r + "attention.linear_layers.2");
    addLinear(w, o + "self_attention.out", r + "attention.w_layer");
    addLinear(w, o + "ffn_in", r + "feed_forward.w_1");
    addLinear(w, o + "ffn_out", r + "feed_forward.w_2");
    addLinear(w, o + "norm1", r + "input_sublayer.norm");
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

}  // namespace recdiff::train
