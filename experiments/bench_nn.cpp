#include "experiments/bench_nn.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/options.hpp"
#include "experiments/peer.hpp"
#include "nn/functional.hpp"
#include "nn/layers/sequential.hpp"
#include "nn/optim/adam.hpp"

namespace rl::experiments {

namespace {

using nn::Index;

struct Case {
  const char* name;
  Index batch;
  int iterations;  // timed iterations per repeat (as the peer's)
  double min_ratio;  // the target speed-up over PyTorch from the nn issue
};

// The shapes and iteration counts of mlp_torch_bench.py --json.
constexpr Case kCases[] = {
    {"mlp4-64-64-2", 1, 4000, 50.0},     {"mlp4-64-64-2", 64, 4000, 10.0},
    {"mlp4-64-64-2", 256, 3000, 0.0},    {"mlp4-64-64-2", 4096, 400, 1.5},
    {"mlp84-256-256-18", 32, 3000, 2.0}, {"mlp84-256-256-18", 512, 500, 1.0},
    {"cnn-minatar", 32, 2000, 2.0},
};

nn::Sequential make_network(const std::string& name) {
  if (name == "mlp4-64-64-2") {
    return nn::mlp({.sizes = {4, 64, 64, 2}, .hidden = nn::Activation::kTanh});
  }
  if (name == "mlp84-256-256-18") {
    return nn::mlp({.sizes = {84, 256, 256, 18}, .hidden = nn::Activation::kRelu});
  }
  return nn::cnn({.input = {4, 10, 10},
                  .convs = {{.channels = 16, .kernel = 3}},
                  .hidden = {128},
                  .outputs = 6});
}

/// Floating-point operations of one training step: every matrix product of the forward and
/// backward (weight gradients everywhere, input gradients except for the first layer, whose
/// input needs none).
double step_flops(const nn::Sequential& net, Index batch) {
  double flops = 0;
  bool first = true;
  for (const nn::Layer& layer : net.layers()) {
    double product = 0;
    if (const auto* linear = std::get_if<nn::Linear>(&layer)) {
      product = 2.0 * static_cast<double>(batch * linear->in_features() * linear->out_features());
    } else if (const auto* conv = std::get_if<nn::Conv2d>(&layer)) {
      const nn::Conv2dGeometry& g = conv->geometry;
      product = 2.0 * static_cast<double>(batch * g.out_height() * g.out_width() * g.patch_size() *
                                          g.out_channels);
    } else {
      continue;
    }
    flops += product * (first ? 2.0 : 3.0);
    first = false;
  }
  return flops;
}

double median(std::vector<double> values) {
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

/// Median microseconds per training step: the median over repeats of per-iteration medians.
double time_case(const Case& c, int repeats, int scale) {
  nn::Sequential net = make_network(c.name);
  nn::Adam optimizer(net.params(), {.learning_rate = 1e-3});
  nn::Rng rng(0);
  nn::Matrix x(c.batch, net.in_features());
  nn::Matrix target(c.batch, net.out_features());
  for (Index i = 0; i < x.size(); ++i) {
    x.data()[i] = static_cast<nn::Scalar>(rng.normal());
  }
  for (Index i = 0; i < target.size(); ++i) {
    target.data()[i] = static_cast<nn::Scalar>(rng.normal());
  }
  nn::Tape tape;
  const int iterations = std::max(50, c.iterations / scale);
  const int warmup = std::max(20, iterations / 10);
  std::vector<double> repeat_medians;
  std::vector<double> times(static_cast<size_t>(iterations));
  for (int r = 0; r < repeats; ++r) {
    for (int i = 0; i < warmup + iterations; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      tape.clear();
      const nn::Var loss = nn::mse_loss(net.forward(tape, x), tape.constant(target));
      optimizer.zero_grad();
      tape.backward(loss);
      optimizer.step();
      const auto t1 = std::chrono::steady_clock::now();
      if (i >= warmup) {
        times[static_cast<size_t>(i - warmup)] =
            std::chrono::duration<double, std::micro>(t1 - t0).count();
      }
    }
    repeat_medians.push_back(median(times));
  }
  return median(repeat_medians);
}

struct PeerResult {
  std::string name;
  Index batch;
  double us_per_iter;
  std::string peer;
};

std::vector<PeerResult> peer_results(const std::string& python, const std::string& script,
                                     bool quick) {
  std::vector<PeerResult> results;
  for (const nlohmann::json& row : run_peer(python, script, {"--json", quick ? "--quick" : ""})) {
    if (row.contains("us_per_iter")) {
      results.push_back({row.at("name").get<std::string>(), row.at("batch").get<Index>(),
                         row.at("us_per_iter").get<double>(), row.value("peer", "torch")});
    }
  }
  return results;
}

}  // namespace

int run_bench_nn(Args args) {
  bool json = false;
  bool quick = false;
  std::string peer;
  std::string python = "/usr/bin/python3";
  po::options_description options("rl bench nn options");
  options.add_options()("json", po::bool_switch(&json),
                        "print one JSON object per case instead of a table")(
      "quick", po::bool_switch(&quick), "one repeat with a quarter of the iterations")(
      "peer", po::value(&peer),
      "also run this PyTorch benchmark (e.g. "
      "../shared/peers/mlp_torch_bench.py) and print the ratio")(
      "python", po::value(&python)->default_value(python), "interpreter for --peer");
  po::variables_map values;
  if (!parse_options(args, "rl bench nn [--json] [--quick] [--peer SCRIPT]", options, values)) {
    return 0;
  }
  const int repeats = quick ? 1 : 3;
  const int scale = quick ? 4 : 1;

  // The peer first, so a missing PyTorch fails fast.
  std::vector<PeerResult> peers;
  if (!peer.empty()) {
    peers = peer_results(python, peer, quick);
  }
  std::vector<double> ours;
  for (const Case& c : kCases) {
    ours.push_back(time_case(c, repeats, scale));
  }

  if (!json) {
    std::printf("%-18s %6s %12s %9s", "network", "batch", "us/iter", "GFLOP/s");
    if (!peers.empty()) {
      std::printf(" %12s %8s %8s", "torch us", "ratio", "target");
    }
    std::printf("\n");
  }
  bool all_met = true;
  for (size_t i = 0; i < std::size(kCases); ++i) {
    const Case& c = kCases[i];
    const double gflops = step_flops(make_network(c.name), c.batch) / (ours[i] * 1e3);
    const PeerResult* match = nullptr;
    for (const PeerResult& p : peers) {
      if (p.name == c.name && p.batch == c.batch) {
        match = &p;
      }
    }
    const double ratio = match != nullptr ? match->us_per_iter / ours[i] : 0.0;
    const bool met = match == nullptr || ratio >= c.min_ratio;
    all_met = all_met && met;
    if (json) {
      nlohmann::json row = {{"name", c.name},
                            {"batch", c.batch},
                            {"us_per_iter", ours[i]},
                            {"gflops", gflops},
                            {"threads", 1}};
      if (match != nullptr) {
        row["peer"] = match->peer;
        row["peer_us_per_iter"] = match->us_per_iter;
        row["ratio"] = ratio;
        row["target_ratio"] = c.min_ratio;
      }
      std::cout << row.dump() << '\n';
    } else {
      std::printf("%-18s %6ld %12.2f %9.1f", c.name, static_cast<long>(c.batch), ours[i], gflops);
      if (match != nullptr) {
        std::printf(" %12.2f %7.1fx %7.1fx%s", match->us_per_iter, ratio, c.min_ratio,
                    met ? "" : "  below target");
      }
      std::printf("\n");
    }
  }
  if (!json && !peers.empty()) {
    std::printf("%s\n", all_met ? "every case meets its target" : "some cases miss their target");
  }
  return 0;
}

}  // namespace rl::experiments
