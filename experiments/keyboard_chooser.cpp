#include "experiments/keyboard_chooser.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

namespace rl::experiments {

namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

KeyboardChooser::KeyboardChooser(std::function<bool(sim::Key)> held, const envs::EnvSpec& spec)
    : held_(std::move(held)), spec_(spec), labels_(action_labels(spec)) {
  if (const auto* discrete = std::get_if<envs::Discrete>(&spec.action_space)) {
    for (std::int64_t a = 0; a < discrete->n; ++a) {
      const std::string& name = labels_[static_cast<size_t>(a)];
      if (contains(name, "left") || contains(name, "-1")) {
        left_ = static_cast<int>(a);
      }
      if (contains(name, "right") || contains(name, "+1")) {
        right_ = static_cast<int>(a);
      }
    }
    last_ = spec.noop_action.value_or(0);
  }
}

std::string KeyboardChooser::help() const {
  if (const auto* discrete = std::get_if<envs::Discrete>(&spec_.action_space)) {
    std::string text;
    if (left_ || right_) {
      text += "arrows: " + (left_ ? labels_[static_cast<size_t>(*left_)] : std::string("-")) +
              " / " + (right_ ? labels_[static_cast<size_t>(*right_)] : std::string("-")) + "   ";
    }
    text += "keys 0-" + std::to_string(std::min<std::int64_t>(discrete->n, 10) - 1) + ": actions";
    return text;
  }
  return flat_size(spec_.action_space) > 1 ? "arrows: left/right and down/up set the action"
                                           : "left/right arrows set the action";
}

void KeyboardChooser::choose(const envs::Batch&, agents::Actions& out,
                             std::vector<sim::Bars>& view) {
  view.clear();
  if (const auto* discrete = std::get_if<envs::Discrete>(&spec_.action_space)) {
    std::optional<int> chosen;
    for (int digit = 0; digit < std::min<std::int64_t>(discrete->n, 10); ++digit) {
      if (held_(static_cast<sim::Key>(static_cast<int>(sim::Key::digit0) + digit))) {
        chosen = digit;
      }
    }
    if (left_ && held_(sim::Key::left)) {
      chosen = *left_;
    }
    if (right_ && held_(sim::Key::right)) {
      chosen = *right_;
    }
    if (!chosen && spec_.noop_action) {
      chosen = *spec_.noop_action;
    }
    last_ = chosen.value_or(last_);
    out.continuous.clear();
    out.discrete.assign(1, static_cast<std::int32_t>(discrete->start + last_));
    sim::Bars bars;
    bars.title = "your action";
    bars.labels = labels_;
    bars.values.assign(static_cast<size_t>(discrete->n), 0.0f);
    bars.values[static_cast<size_t>(last_)] = 1;
    bars.highlighted = last_;
    view.push_back(std::move(bars));
    return;
  }
  const auto& box = std::get<envs::Box>(spec_.action_space);
  const size_t size = box.low.size();
  out.discrete.clear();
  out.continuous.assign(size, 0.0f);
  const std::array<std::pair<sim::Key, sim::Key>, 2> axes = {
      std::pair{sim::Key::left, sim::Key::right}, std::pair{sim::Key::down, sim::Key::up}};
  for (size_t d = 0; d < size; ++d) {
    float value = std::clamp(0.0f, box.low[d], box.high[d]);
    if (d < axes.size()) {
      if (held_(axes[d].first)) {
        value = box.low[d];
      }
      if (held_(axes[d].second)) {
        value = box.high[d];
      }
    }
    out.continuous[d] = value;
  }
  view.push_back(action_bars(spec_, out.continuous));
  view.back().title = "your action";
}

bool is_action_key(sim::Key key) {
  return key == sim::Key::left || key == sim::Key::right || key == sim::Key::up ||
         key == sim::Key::down ||
         (static_cast<int>(key) >= static_cast<int>(sim::Key::digit0) &&
          static_cast<int>(key) <= static_cast<int>(sim::Key::digit9));
}

}  // namespace rl::experiments
