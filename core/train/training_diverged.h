// Divergence is not success: when a batch's loss turns NaN or infinite the
// trainer stops with TrainingDiverged, naming the stage, epoch, batch and
// loss term, instead of validating (and keeping) a model of NaN weights.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace recdiff::train {

class TrainingDiverged : public std::runtime_error {
 public:
  // `kept` says what became of the best model so far (e.g. which checkpoint
  // holds it), for the end of the message.
  TrainingDiverged(const std::string& stage, std::int64_t epoch, std::int64_t batch, std::int64_t batches,
                   const std::string& term, double value, double learningRate, const std::string& kept)
      : std::runtime_error(describe(stage, epoch, batch, batches, term, value, learningRate, kept)),
        stage_(stage),
        term_(term),
        epoch_(epoch),
        batch_(batch) {}

  const std::string& stage() const { return stage_; }
  const std::string& term() const { return term_; }
  std::int64_t epoch() const { return epoch_; }
  std::int64_t batch() const { return batch_; }

 private:
  static std::string describe(const std::string& stage, std::int64_t epoch, std::int64_t batch, std::int64_t batches,
                              const std::string& term, double value, double learningRate, const std::string& kept) {
    std::ostringstream out;
    out << "training diverged in stage '" << stage << "', epoch " << epoch << ", batch " << batch << " of " << batches
        << ": loss term '" << term << "' is " << value << " (lr " << learningRate << "); try a lower lr. " << kept;
    return out.str();
  }

  std::string stage_;
  std::string term_;
  std::int64_t epoch_ = 0;
  std::int64_t batch_ = 0;
};

// The first loss term that is NaN or infinite, a component before "total"
// (the component says where it started); nothing when all are finite.
inline std::optional<std::pair<std::string, double>> firstNonFiniteLoss(const std::map<std::string, double>& losses) {
  std::optional<std::pair<std::string, double>> total;
  for (const auto& [name, value] : losses) {
    if (std::isfinite(value)) continue;
    if (name != "total") return std::make_pair(name, value);
    total = std::make_pair(name, value);
  }
  return total;
}

}  // namespace recdiff::train
