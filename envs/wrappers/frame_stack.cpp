#include "envs/wrappers/frame_stack.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "envs/snapshot.hpp"

namespace rl::envs {

FrameStack::FrameStack(std::unique_ptr<VecEnv> inner, int frames)
    : VecEnvWrapper(std::move(inner)), frames_(frames) {
  const Box* box = std::get_if<Box>(&spec_.observation_space);
  check(box != nullptr, "FrameStack: ", spec_.id, " has observations in ",
        to_string(spec_.observation_space), "; only Box observations can be stacked");
  check(frames >= 1, "FrameStack: frames = ", frames, " must be at least 1");
  frame_size_ = box->size();
  Box stacked;
  for (int f = 0; f < frames; ++f) {
    stacked.low.insert(stacked.low.end(), box->low.begin(), box->low.end());
    stacked.high.insert(stacked.high.end(), box->high.begin(), box->high.end());
  }
  stacked.shape = box->shape;
  stacked.shape.insert(stacked.shape.begin(), frames);
  spec_.observation_space = stacked;
  out_.allocate(num_envs(), frame_size_ * frames);
  pending_reset_.assign(static_cast<size_t>(num_envs()), 0);
  view_ = out_.view();
}

void FrameStack::fill(std::int64_t i, std::span<const float> observation) {
  float* row = out_.observation(i);
  for (int f = 0; f < frames_; ++f) {
    std::copy(observation.begin(), observation.end(), row + f * frame_size_);
  }
}

const Batch& FrameStack::stacked(const Batch& inner, bool after_reset) {
  const std::int64_t width = frame_size_ * frames_;
  const bool same_step = spec_.autoreset == AutoReset::kSameStep;
  for (std::int64_t i = 0; i < inner.num_envs; ++i) {
    if (after_reset) {
      fill(i, inner.observation(i));
      continue;
    }
    float* row = out_.observation(i);
    // shift out the oldest frame and append the newest
    std::copy(row + frame_size_, row + width, row);
    const bool done = inner.done(i);
    const std::span<const float> newest = done ? inner.final_observation(i) : inner.observation(i);
    std::copy(newest.begin(), newest.end(), row + width - frame_size_);
    if (done) {
      std::copy(row, row + width, out_.final_observation(i));
      if (same_step) {
        fill(i, inner.observation(i));  // the new episode's first observation
      } else {
        pending_reset_[static_cast<size_t>(i)] = 1;
      }
    }
  }
  view_ = with_observations(inner, out_);
  return view_;
}

const Batch& FrameStack::reset(std::optional<std::uint64_t> seed) {
  std::fill(pending_reset_.begin(), pending_reset_.end(), 0);
  return stacked(inner_->reset(seed), true);
}

const Batch& FrameStack::reset_done() {
  const Batch& inner = inner_->reset_done();
  for (std::int64_t i = 0; i < inner.num_envs; ++i) {
    if (pending_reset_[static_cast<size_t>(i)] != 0) {
      pending_reset_[static_cast<size_t>(i)] = 0;
      fill(i, inner.observation(i));
    }
  }
  view_ = with_observations(inner, out_);
  return view_;
}

const Batch& FrameStack::step(std::span<const std::int32_t> actions) {
  return stacked(inner_->step(actions), false);
}
const Batch& FrameStack::step(std::span<const float> actions) {
  return stacked(inner_->step(actions), false);
}

std::vector<std::uint64_t> FrameStack::snapshot() const {
  SnapshotWriter out;
  out_.save(out);
  out.raw(pending_reset_);
  const std::vector<std::uint64_t> inner = inner_->snapshot();
  out.raw(inner);
  return out.take();
}

void FrameStack::restore(std::span<const std::uint64_t> snapshot) {
  SnapshotReader in(snapshot, "FrameStack restore");
  out_.load(in);
  in.raw(pending_reset_);
  std::vector<std::uint64_t> inner(static_cast<size_t>(in.word()));
  in.raw(inner.data(), inner.size());
  in.finish();
  inner_->restore(inner);
  view_ = with_observations(inner_->last(), out_);
}

}  // namespace rl::envs
