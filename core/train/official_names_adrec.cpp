// ADRec's official code (Nemo-1024/ADRec, src/model.py, adrec.py, common.py)
// against ours (core/models/adrec.h). Its Att_Diffuse_model holds the item
// table and the history LayerNorm; diffu.ag_encoder is the CAM,
// diffu.net.decoder the ADM (or the MLP), diffu.net.time_embed the time MLP.
// A transformer block there: attention.linear_layers.{0,1,2} = q, k, v,
// attention.w_layer = the output projection, feed_forward.w_1/w_2 = the
// FFN, input_sublayer/output_sublayer.norm = the two post-LN norms.
#include "core/train/official_import.h"

namespace recdiff::train {

namespace {

void addBlocks(std::vector<OfficialWeight>& out, const std::string& ours, const std::string& official,
               std::int64_t blocks) {
  for (std::int64_t i = 0; i < blocks; ++i) {
    const auto o = ours + std::to_string(i) + ".";
    const auto r = official + ".transformer_blocks." + std::to_string(i) + ".";
    addOfficialAttention(out, o + "self_attention", r + "attention");
    addOfficialLinear(out, o + "ffn_in", r + "feed_forward.w_1");
    addOfficialLinear(out, o + "ffn_out", r + "feed_forward.w_2");
    addOfficialLinear(out, o + "norm1", r + "input_sublayer.norm");
    addOfficialLinear(out, o + "norm2", r + "output_sublayer.norm");
  }
}

std::vector<OfficialWeight> adrecWeights(const models::Config& config) {
  std::vector<OfficialWeight> w;
  w.push_back({"embedding.items.weight", "item_embedding.weight", true});
  // The code's padding input is row 0 of its table (kept at zero by
  // padding_idx unless loaded pre-trained); ours is a parameter of its own.
  if (config.value("attend_padding", false)) w.push_back({"padding_token", "item_embedding.weight[0]"});
  addOfficialLinear(w, "input_norm", "hist_norm");
  if (config.value("cam", true) || config.value("pretrain", true))
    addBlocks(w, "cam", "diffu.ag_encoder", config.value("cam_blocks", std::int64_t{2}));
  if (config.value("denoiser", std::string("transformer")) == "mlp") {
    addOfficialLinear(w, "denoiser.0", "diffu.net.decoder.0");
    addOfficialLinear(w, "denoiser.2", "diffu.net.decoder.2");
    addOfficialLinear(w, "denoiser.3", "diffu.net.decoder.3");
  } else {
    addBlocks(w, "adm", "diffu.net.decoder", config.value("adm_blocks", std::int64_t{2}));
  }
  addOfficialLinear(w, "time.in", "diffu.net.time_embed.0");
  addOfficialLinear(w, "time.out", "diffu.net.time_embed.2");
  return w;
}

// Ours that the code has no counterpart of: the training stage (an imported
// model is a finished one, the default "full") and stage 1's SASRec positions.
// The item table gives d; the block lists their counts; the MLP denoiser
// has numbered Sequential entries instead of transformer blocks.
models::Config adrecShape(const NamedTensors& file) {
  models::Config c = models::Config::object();
  if (const auto* table = findOfficialTensor(file, "item_embedding.weight"); table && table->dim() == 2)
    c["dim"] = table->size(1);
  if (const auto cam = countOfficialBlocks(file, "diffu.ag_encoder.transformer_blocks")) c["cam_blocks"] = cam;
  if (const auto adm = countOfficialBlocks(file, "diffu.net.decoder.transformer_blocks")) c["adm_blocks"] = adm;
  if (findOfficialTensor(file, "diffu.net.decoder.0.weight")) c["denoiser"] = "mlp";
  return c;
}

bool adrecOptional(const std::string& ours) { return ours == "phase" || ours.rfind("pretrain_positions.", 0) == 0; }

}  // namespace

OfficialSource adrecOfficialSource() {
  OfficialSource s;
  s.name = "adrec-official";
  s.model = "adrec";
  s.repository = "https://github.com/Nemo-1024/ADRec";
  s.description = "a state_dict of the official ADRec code's Att_Diffuse_model (model: adrec)";
  s.referenceConfig = [] {
    return models::Config{{"reference_code", true}, {"attend_padding", true}, {"pretrain_encoder", "cam"}};
  };
  s.weights = adrecWeights;
  s.optional = adrecOptional;
  s.inferConfig = adrecShape;
  return s;
}

// The official repository's saved/pretrain/<dataset>/pretrain.pth: the
// state_dict of its SASRec pre-training, whose only product ADRec uses is
// the item table (model.py loads item_embedding.weight alone). Everything
// else of ours keeps its initial values, and the report says so.
OfficialSource adrecOfficialPretrainSource() {
  OfficialSource s = adrecOfficialSource();
  s.name = "adrec-official-pretrain";
  s.partial = true;
  s.description = "the official ADRec code's pre-trained item table (saved/pretrain/<dataset>/pretrain.pth)";
  s.weights = [](const models::Config&) {
    return std::vector<OfficialWeight>{{"embedding.items.weight", "item_embedding.weight", true}};
  };
  s.optional = [](const std::string& ours) { return ours != "embedding.items.weight"; };
  return s;
}

}  // namespace recdiff::train
