// Splits [0, n) into one contiguous chunk per thread and runs them with OpenMP. Chunks touch
// disjoint envs, so results do not depend on the thread count. OpenMP stays inside parallel.cpp:
// no other translation unit (and no Eigen product) is compiled with it.
#pragma once

#include <cstdint>

namespace rl::envs {

using ChunkFunction = void (*)(void* context, std::int64_t begin, std::int64_t end);

/// Calls body(context, begin, end) for chunks covering [0, n), one per thread, using at most as
/// many threads as there are processors; runs inline when that is one.
void parallel_chunks(std::int64_t n, int threads, ChunkFunction body, void* context);

template <class F>
void parallel_for_chunks(std::int64_t n, int threads, F& f) {
  parallel_chunks(
      n, threads,
      [](void* context, std::int64_t begin, std::int64_t end) {
        (*static_cast<F*>(context))(begin, end);
      },
      &f);
}

/// The threads OpenMP would use by default (the machine's cores).
int available_threads();

}  // namespace rl::envs
