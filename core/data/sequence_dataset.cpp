#include "core/data/sequence_dataset.h"

#include <cstdint>
#include <cstdio>

namespace recdiff::data {

namespace {
// FNV-1a, 64 bit, fed byte by byte with integers in little-endian order so
// that the hash is the same on every platform.
class Fnv1a64 {
 public:
  void bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      hash_ ^= p[i];
      hash_ *= 0x100000001b3ULL;
    }
  }
  void u64(std::uint64_t value) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(value >> (8 * i));
    bytes(b, 8);
  }
  void i32(std::int32_t value) {
    const auto u = static_cast<std::uint32_t>(value);
    unsigned char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<unsigned char>(u >> (8 * i));
    bytes(b, 4);
  }
  void text(const std::string& s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

void hashSamples(Fnv1a64& h, char tag, const std::vector<Sample>& samples) {
  h.bytes(&tag, 1);
  h.u64(samples.size());
  for (const Sample& s : samples) {
    h.u64(s.history.size());
    for (const ItemId id : s.history) h.i32(id);
    h.i32(s.target);
  }
}
}  // namespace

std::string SequenceDataset::fingerprint() const {
  Fnv1a64 h;
  h.i32(numItems);
  h.u64(items.tokens().size());
  for (const std::string& token : items.tokens()) h.text(token);
  hashSamples(h, 'T', train);
  hashSamples(h, 'V', validation);
  hashSamples(h, 'E', test);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h.value()));
  return hex;
}

std::vector<ItemId> fullSequence(const Sample& sample) {
  std::vector<ItemId> sequence;
  sequence.reserve(sample.history.size() + 1);
  sequence.insert(sequence.end(), sample.history.begin(), sample.history.end());
  sequence.push_back(sample.target);
  return sequence;
}

}  // namespace recdiff::data
