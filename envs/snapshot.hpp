// Environment state as a flat list of 64-bit words, for checkpoints that resume a run exactly:
// plain-data states are copied bit for bit, doubles by their bits. Every field starts on a word.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.hpp"

namespace rl::envs {

class SnapshotWriter {
 public:
  void word(std::uint64_t w) { raw(&w, 1); }
  void number(double x) { raw(&x, 1); }
  /// Any trivially copyable values, padded to whole words.
  template <class T>
  void raw(const T* values, size_t count) {
    static_assert(std::is_trivially_copyable_v<T>);
    // byte by byte: GCC 12 warns falsely (stringop-overflow) on memcpy/insert here, and env
    // snapshots are small
    const auto* first = reinterpret_cast<const std::uint8_t*>(values);
    for (size_t i = 0; i < sizeof(T) * count; ++i) {
      bytes_.push_back(first[i]);
    }
    while (bytes_.size() % 8 != 0) {
      bytes_.push_back(0);
    }
  }
  template <class T>
  void raw(const std::vector<T>& values) {
    word(values.size());
    raw(values.data(), values.size());
  }
  std::vector<std::uint64_t> take() const {
    std::vector<std::uint64_t> words(bytes_.size() / 8);
    if (!words.empty()) {
      std::memcpy(words.data(), bytes_.data(), bytes_.size());
    }
    return words;
  }

 private:
  std::vector<std::uint8_t> bytes_;
};

class SnapshotReader {
 public:
  SnapshotReader(std::span<const std::uint64_t> words, std::string what)
      : words_(words), what_(std::move(what)) {}
  std::uint64_t word() {
    std::uint64_t w = 0;
    raw(&w, 1);
    return w;
  }
  double number() {
    double x = 0;
    raw(&x, 1);
    return x;
  }
  template <class T>
  void raw(T* values, size_t count) {
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t bytes = sizeof(T) * count;
    const size_t words = (bytes + 7) / 8;
    check(at_ + words <= words_.size(), what_,
          ": the snapshot ends early; it is truncated or from a different environment");
    const auto* from = reinterpret_cast<const std::uint8_t*>(words_.data() + at_);
    auto* to = reinterpret_cast<std::uint8_t*>(values);
    for (size_t i = 0; i < bytes; ++i) {
      to[i] = from[i];
    }
    at_ += words;
  }
  /// Reads a vector written by SnapshotWriter::raw(vector); its length must equal values'.
  template <class T>
  void raw(std::vector<T>& values) {
    const std::uint64_t n = word();
    check(n == values.size(), what_, ": the snapshot holds ", n, " values where this env has ",
          values.size(), "; restore a snapshot of an env made with the same options");
    raw(values.data(), values.size());
  }
  /// Checks that a value recorded in the snapshot matches this env's.
  void expect(std::uint64_t value, const char* field) {
    const std::uint64_t saved = word();
    check(saved == value, what_, ": the snapshot's ", field, " is ", saved, " but this env's is ",
          value, "; restore a snapshot of an env made with the same id and options");
  }
  void finish() const {
    check(at_ == words_.size(), what_, ": the snapshot has ", words_.size() - at_,
          " words left over; it was taken from a different environment");
  }

 private:
  std::span<const std::uint64_t> words_;
  std::string what_;
  size_t at_ = 0;
};

}  // namespace rl::envs
