#pragma once
// Ids -> dense indices for the length of one allocate() call. Open addressing over
// string_views into the snapshot: no string copies and one allocation, where an
// unordered_map<std::string, int> allocated a node and copied the id per entry and then
// chased pointers on every lookup (thousands per call on a large site).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ampgate::policies::detail {

class IdIndex {
 public:
  // Room for `expected` ids at a load of at most one half, so probe runs stay short.
  explicit IdIndex(std::size_t expected) {
    std::size_t size = 16;
    while (size < expected * 2) size *= 2;
    keys_.resize(size);
    values_.assign(size, -1);
    mask_ = size - 1;
  }

  // Adds `id` -> `value` (value >= 0). False, and nothing changes, if `id` is already there.
  bool insert(std::string_view id, int value) {
    const std::size_t s = slot_of(id);
    if (values_[s] >= 0) return false;
    keys_[s] = id;
    values_[s] = value;
    return true;
  }

  // The value stored for `id`, or -1.
  int find(std::string_view id) const { return values_[slot_of(id)]; }

 private:
  // FNV-1a: ids are short names ("cp17", "garage"), for which it beats a block hash.
  static std::uint64_t hash(std::string_view id) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char ch : id) h = (h ^ ch) * 1099511628211ull;
    return h ^ (h >> 29);
  }

  // The slot holding `id`, or the empty slot where it would go.
  std::size_t slot_of(std::string_view id) const {
    std::size_t s = hash(id) & mask_;
    while (values_[s] >= 0 && keys_[s] != id) s = (s + 1) & mask_;
    return s;
  }

  std::vector<std::string_view> keys_;
  std::vector<int> values_;  // -1 = empty slot
  std::size_t mask_ = 0;
};

}  // namespace ampgate::policies::detail
