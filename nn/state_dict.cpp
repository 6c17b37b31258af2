#include "nn/state_dict.hpp"

#include "nn/error.hpp"

namespace rl::nn {

void StateDict::put(std::string name, const ConstMatrixRef& tensor) {
  tensors.emplace_back(std::move(name), tensor);
}

void StateDict::put(std::string name, std::vector<double> vector) {
  vectors.emplace_back(std::move(name), std::move(vector));
}

void StateDict::put_words(std::string name, std::vector<std::uint64_t> values) {
  words.emplace_back(std::move(name), std::move(values));
}

void StateDict::put(std::string name, double scalar) {
  scalars.emplace_back(std::move(name), scalar);
}

bool StateDict::has_tensor(std::string_view name) const {
  for (const auto& [key, value] : tensors) {
    if (key == name) {
      return true;
    }
  }
  return false;
}

bool StateDict::has_scalar(std::string_view name) const {
  for (const auto& [key, value] : scalars) {
    if (key == name) {
      return true;
    }
  }
  return false;
}

namespace {
template <class Entries>
std::string list_names(const Entries& entries) {
  std::string names;
  for (const auto& [key, value] : entries) {
    names += names.empty() ? "" : ", ";
    names += key;
  }
  return names.empty() ? "nothing" : names;
}
}  // namespace

const Matrix& StateDict::tensor(std::string_view name) const {
  for (const auto& [key, value] : tensors) {
    if (key == name) {
      return value;
    }
  }
  throw Error(message("checkpoint has no tensor '", name, "' (it holds: ", list_names(tensors),
                      "); was it saved from a different network or optimiser?"));
}

double StateDict::scalar(std::string_view name) const {
  for (const auto& [key, value] : scalars) {
    if (key == name) {
      return value;
    }
  }
  throw Error(message("checkpoint has no value '", name, "' (it holds: ", list_names(scalars),
                      "); was it saved from a different network or optimiser?"));
}

const std::vector<double>& StateDict::vector(std::string_view name) const {
  for (const auto& [key, value] : vectors) {
    if (key == name) {
      return value;
    }
  }
  throw Error(message("checkpoint has no vector '", name, "' (it holds: ", list_names(vectors),
                      "); was it saved from a different agent?"));
}

const std::vector<std::uint64_t>& StateDict::word_array(std::string_view name) const {
  for (const auto& [key, value] : words) {
    if (key == name) {
      return value;
    }
  }
  throw Error(message("checkpoint has no word array '", name, "' (it holds: ", list_names(words),
                      "); was it saved from a different agent or env?"));
}

void StateDict::merge(const StateDict& other, const std::string& prefix) {
  for (const auto& [key, value] : other.tensors) {
    tensors.emplace_back(prefix + key, value);
  }
  for (const auto& [key, value] : other.scalars) {
    scalars.emplace_back(prefix + key, value);
  }
  for (const auto& [key, value] : other.vectors) {
    vectors.emplace_back(prefix + key, value);
  }
  for (const auto& [key, value] : other.words) {
    words.emplace_back(prefix + key, value);
  }
}

StateDict StateDict::subset(const std::string& prefix) const {
  StateDict out;
  for (const auto& [key, value] : tensors) {
    if (key.starts_with(prefix)) {
      out.tensors.emplace_back(key.substr(prefix.size()), value);
    }
  }
  for (const auto& [key, value] : scalars) {
    if (key.starts_with(prefix)) {
      out.scalars.emplace_back(key.substr(prefix.size()), value);
    }
  }
  for (const auto& [key, value] : vectors) {
    if (key.starts_with(prefix)) {
      out.vectors.emplace_back(key.substr(prefix.size()), value);
    }
  }
  for (const auto& [key, value] : words) {
    if (key.starts_with(prefix)) {
      out.words.emplace_back(key.substr(prefix.size()), value);
    }
  }
  return out;
}

StateDict state_dict(const ParamStore& params) {
  StateDict dict;
  for (const auto& entry : params.entries()) {
    dict.put(entry.name, params.value(entry.param));
  }
  return dict;
}

void load_state_dict(ParamStore& params, const StateDict& dict) {
  check(dict.tensors.size() == params.entries().size(), "checkpoint holds ", dict.tensors.size(),
        " tensors but the network has ", params.entries().size(),
        " parameters; load it into a network built with the same architecture");
  for (const auto& entry : params.entries()) {
    const Matrix& saved = dict.tensor(entry.name);
    check(saved.rows() == entry.param.rows && saved.cols() == entry.param.cols,
          "checkpoint tensor '", entry.name, "' has shape ", Shape{saved.rows(), saved.cols()},
          " but the network's parameter has shape ", entry.param.shape(),
          "; load it into a network built with the same architecture");
  }
  for (const auto& entry : params.entries()) {
    params.value(entry.param) = dict.tensor(entry.name);
  }
}

}  // namespace rl::nn
