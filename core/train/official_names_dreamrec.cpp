// "dreamrec-official": a state_dict of the official DreamRec code
// (github.com/YangZhengyi98/DreamRec, class Tenc of DreamRec.py, as
// `torch.save(model.state_dict(), path)` writes it) onto our DreamRec.
//
// The reference configuration is the one tests/core/test_parity_dreamrec_torch.cpp
// checks against the official code's outputs (docs/parity/dreamrec.md lists
// every difference and its setting). The file's shapes tell dim
// (--hidden_factor), max_length (the data's seq_size, 10 in the official
// data) and the denoiser (--diffuser_type); the user sets what no weight
// records to the official run's arguments: diffusion_steps (--timesteps,
// default 200; ours defaults to 500) and guidance_weight (--w, default 2 in
// both).
//
// The official modules no forward computation reads (s_fc, emb_mlp,
// diff_mlp) map to nothing and are reported as unused keys.
//
// The item table is item-indexed (itemRows), but not as ADRec's: the
// official table keeps the padding in its LAST row (item ids 0..N-1,
// padding N), ours in row 0 (ids 1..N): paddingRowLast, so that import takes
// the rows {N, token values} (officialItemRows).
#include <string>
#include <vector>

#include "core/train/official_import.h"

namespace recdiff::train {

namespace {

models::Config dreamrecShape(const NamedTensors& file) {
  models::Config c = models::Config::object();
  if (const auto* table = findOfficialTensor(file, "item_embeddings.weight"); table && table->dim() == 2)
    c["dim"] = table->size(1);
  if (const auto* positions = findOfficialTensor(file, "positional_embeddings.weight");
      positions && positions->dim() == 2)
    c["max_length"] = positions->size(0);
  if (findOfficialTensor(file, "diffuser.2.weight")) c["denoiser"] = "mlp2";
  return c;
}

}  // namespace

OfficialSource dreamrecOfficialSource() {
  OfficialSource source;
  source.name = "dreamrec-official";
  source.model = "dreamrec";
  source.repository = "https://github.com/YangZhengyi98/DreamRec";
  source.paddingRowLast = true;
  source.description =
      "a state_dict of the official DreamRec code's Tenc (model: dreamrec); set diffusion_steps to its --timesteps "
      "(default 200)";
  source.referenceConfig = [] {
    return models::Config{{"encoder", "reference"},   {"time_features", "reference"}, {"schedule", "exp-reference"},
                          {"loss_reduction", "mean"}, {"blocks", std::int64_t{1}},    {"heads", std::int64_t{1}}};
  };
  source.weights = [](const models::Config& config) {
    std::vector<OfficialWeight> weights = {
        {"embedding.items.weight", "item_embeddings.weight", true},
        {"embedding.positions.weight", "positional_embeddings.weight"},
        {"reference_block.query_norm.weight", "ln_1.weight"},
        {"reference_block.query_norm.bias", "ln_1.bias"},
        {"reference_block.q.weight", "mh_attn.linear_q.weight"},
        {"reference_block.q.bias", "mh_attn.linear_q.bias"},
        {"reference_block.k.weight", "mh_attn.linear_k.weight"},
        {"reference_block.k.bias", "mh_attn.linear_k.bias"},
        {"reference_block.v.weight", "mh_attn.linear_v.weight"},
        {"reference_block.v.bias", "mh_attn.linear_v.bias"},
        {"reference_block.ffn_norm.weight", "ln_2.weight"},
        {"reference_block.ffn_norm.bias", "ln_2.bias"},
        {"reference_block.ffn_in.weight", "feed_forward.w_1.weight"},
        {"reference_block.ffn_in.bias", "feed_forward.w_1.bias"},
        {"reference_block.ffn_out.weight", "feed_forward.w_2.weight"},
        {"reference_block.ffn_out.bias", "feed_forward.w_2.bias"},
        {"reference_block.ffn_residual_norm.weight", "feed_forward.layer_norm.weight"},
        {"reference_block.ffn_residual_norm.bias", "feed_forward.layer_norm.bias"},
        {"reference_block.out_norm.weight", "ln_3.weight"},
        {"reference_block.out_norm.bias", "ln_3.bias"},
        {"time.in.weight", "step_mlp.1.weight"},
        {"time.in.bias", "step_mlp.1.bias"},
        {"time.out.weight", "step_mlp.3.weight"},
        {"time.out.bias", "step_mlp.3.bias"},
        {"denoiser.0.weight", "diffuser.0.weight"},
        {"denoiser.0.bias", "diffuser.0.bias"},
        {"null", "none_embedding.weight"},
    };
    // mlp2: Linear(3d→2d), GELU, Linear(2d→d) in both, at the same indices.
    if (config.value("denoiser", std::string("mlp1")) == "mlp2") {
      weights.push_back({"denoiser.2.weight", "diffuser.2.weight"});
      weights.push_back({"denoiser.2.bias", "diffuser.2.bias"});
    }
    return weights;
  };
  source.inferConfig = dreamrecShape;
  return source;
}

}  // namespace recdiff::train
