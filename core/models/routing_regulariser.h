// ADIGRec's covariance regulariser L_reg (paper 000, Eq. 17–18) as a switch
// of every model with interest routing: ADIGRec (on by default, Eq. 20),
// and ComiRec-SA and DimeRec (off by default, as their papers train them;
// paper 000's Table 5 adds it to DimeRec, and §4.4.2 motivates it for
// "general multi-interest recommendation").
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "core/models/model.h"

namespace recdiff::models {

// The "reg" (full | offdiag | off) and "reg_weight" declarations, with
// `defaultReg` as reg's default and `paperValue` as shown beside it.
std::vector<ParamSpec> routingRegulariserParams(const std::string& defaultReg, const std::string& paperValue);

// Adds weight · mean over the batch of L_reg to terms.total and reports it
// as "l_reg" (unweighted), unless `reg` is "off". weights [B,L,k], mask [B,L].
void addRoutingRegulariser(LossTerms& terms, const torch::Tensor& weights, const torch::Tensor& mask,
                           const std::string& reg, double weight);

}  // namespace recdiff::models
