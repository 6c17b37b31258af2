#include "envs/parallel.hpp"

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace rl::envs {

// More threads than processors only adds waiting: OpenMP threads spin between steps, and a
// spinning thread that holds a processor delays the one that has work for a whole time slice.
void parallel_chunks(std::int64_t n, int threads, ChunkFunction body, void* context) {
  static const int processors = available_threads();
  const auto chunks = std::min<std::int64_t>({threads, processors, n});
  if (chunks <= 1) {
    body(context, 0, n);
    return;
  }
#pragma omp parallel for num_threads(static_cast <int>(chunks)) schedule(static, 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    body(context, n * c / chunks, n * (c + 1) / chunks);
  }
}

int available_threads() {
#ifdef _OPENMP
  return omp_get_num_procs();
#else
  return 1;
#endif
}

}  // namespace rl::envs
