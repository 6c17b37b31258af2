// An in-memory checkpoint: named tensors and named numbers, exact to the bit. ParamStores and
// optimisers save into one and restore from one; the HDF5 log writes the same structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nn/params.hpp"
#include "nn/tensor.hpp"

namespace rl::nn {

struct StateDict {
  std::vector<std::pair<std::string, Matrix>> tensors;  ///< float32 arrays
  std::vector<std::pair<std::string, double>> scalars;
  std::vector<std::pair<std::string, std::vector<double>>> vectors;  ///< float64 arrays
  std::vector<std::pair<std::string, std::vector<std::uint64_t>>> words;  ///< raw 64-bit words:
                                                                          ///< RNG and env states

  void put(std::string name, const ConstMatrixRef& tensor);
  void put(std::string name, double scalar);
  void put(std::string name, std::vector<double> vector);
  void put_words(std::string name, std::vector<std::uint64_t> values);
  bool has_tensor(std::string_view name) const;
  bool has_scalar(std::string_view name) const;
  /// Throws naming the missing entry and what the dict does hold.
  const Matrix& tensor(std::string_view name) const;
  double scalar(std::string_view name) const;
  const std::vector<double>& vector(std::string_view name) const;
  const std::vector<std::uint64_t>& word_array(std::string_view name) const;
  /// Copies every entry of other in, with `prefix` before each name ("actor/", "optimizer/").
  void merge(const StateDict& other, const std::string& prefix);
  /// The entries whose names start with prefix, with the prefix removed.
  StateDict subset(const std::string& prefix) const;
};

/// Every parameter under its name ("0.weight", ...).
StateDict state_dict(const ParamStore& params);
/// Restores values saved by state_dict; names and shapes must match exactly, and the error says
/// which one differs.
void load_state_dict(ParamStore& params, const StateDict& dict);

}  // namespace rl::nn
