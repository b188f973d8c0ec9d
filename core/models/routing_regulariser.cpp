#include "core/models/routing_regulariser.h"

#include "core/nn/multi_interest_extractor.h"

namespace recdiff::models {

std::vector<ParamSpec> routingRegulariserParams(const std::string& defaultReg, const std::string& paperValue) {
  return {{"reg",
           defaultReg,
           paperValue,
           "covariance regulariser L_reg against routing collapse (paper 000 Eq. 18; offdiag: heads' redundancy only)",
           {"full", "offdiag", "off"}},
          {"reg_weight", 1.0, "1 (paper 000 Eq. 20)", "weight of L_reg", {}, between(0, 1000)}};
}

void addRoutingRegulariser(LossTerms& terms, const torch::Tensor& weights, const torch::Tensor& mask,
                           const std::string& reg, double weight) {
  if (reg == "off") return;
  const auto covariance = nn::routingCovariance(weights, mask);
  const auto lreg = nn::routingRegulariser(covariance, reg == "offdiag").mean();
  terms.components["l_reg"] = lreg;
  terms.total = terms.total + weight * lreg;
}

}  // namespace recdiff::models
