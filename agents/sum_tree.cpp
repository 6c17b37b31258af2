#include "agents/sum_tree.hpp"

#include <algorithm>
#include <limits>

#include "core/error.hpp"

namespace rl::agents {

SumTree::SumTree(std::int64_t leaves) : leaves_(leaves), first_leaf_(1) {
  check(leaves >= 1, "sum tree: needs at least one leaf, got ", leaves);
  while (first_leaf_ < leaves) {
    first_leaf_ *= 2;
  }
  nodes_.assign(static_cast<size_t>(2 * first_leaf_), 0.0);
  mins_.assign(static_cast<size_t>(2 * first_leaf_), std::numeric_limits<double>::infinity());
}

void SumTree::set(std::int64_t leaf, double priority) {
  check(leaf >= 0 && leaf < leaves_ && priority >= 0, "sum tree: leaf ", leaf, " priority ",
        priority, " must be a leaf in [0, ", leaves_, ") with a priority >= 0");
  auto node = static_cast<size_t>(first_leaf_ + leaf);
  nodes_[node] = priority;
  mins_[node] = priority;
  for (node /= 2; node >= 1; node /= 2) {
    nodes_[node] = nodes_[2 * node] + nodes_[2 * node + 1];
    mins_[node] = std::min(mins_[2 * node], mins_[2 * node + 1]);
  }
}

std::int64_t SumTree::find(double mass) const {
  size_t node = 1;
  while (node < static_cast<size_t>(first_leaf_)) {
    const double left = nodes_[2 * node];
    if (mass < left) {
      node = 2 * node;
    } else {
      mass -= left;
      node = 2 * node + 1;
    }
  }
  // rounding can walk past the last set leaf; step back onto one with mass
  auto leaf = static_cast<std::int64_t>(node) - first_leaf_;
  leaf = std::min(leaf, leaves_ - 1);
  while (leaf > 0 && get(leaf) == 0) {
    --leaf;
  }
  return leaf;
}

}  // namespace rl::agents
