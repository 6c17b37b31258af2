// A binary sum tree over leaf priorities: set a leaf and find the leaf where a prefix sum falls,
// both in O(log n). The sampling structure of prioritised experience replay (Schaul et al. 2016).
#pragma once

#include <cstdint>
#include <vector>

namespace rl::agents {

class SumTree {
 public:
  explicit SumTree(std::int64_t leaves);

  void set(std::int64_t leaf, double priority);
  double get(std::int64_t leaf) const { return nodes_[static_cast<size_t>(first_leaf_ + leaf)]; }
  double total() const { return nodes_[1]; }
  /// The minimum priority over the leaves that have been set (for the largest IS weight).
  double min() const { return mins_[1]; }
  /// The leaf i with prefix(i) <= mass < prefix(i + 1); mass in [0, total()).
  std::int64_t find(double mass) const;
  std::int64_t leaves() const { return leaves_; }

 private:
  std::int64_t leaves_;
  std::int64_t first_leaf_;  // index of leaf 0 in nodes_ (a power of two)
  std::vector<double> nodes_;
  std::vector<double> mins_;
};

}  // namespace rl::agents
