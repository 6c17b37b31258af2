// Interposes the C allocation functions for the whole test process and forwards them to glibc's
// own (__libc_*), counting calls from every thread. Every C++ and Eigen allocation goes through
// these.
#include "tests/support/alloc_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>

namespace {
// One counter for every thread, so work handed to OpenMP threads is counted too. A lock-free
// atomic with static storage: using it never allocates.
std::atomic<long> allocations{0};
inline void note() {
  allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);

void* malloc(std::size_t size) {
  note();
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  note();
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
  note();
  return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  note();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  note();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  note();
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) {
    return ENOMEM;
  }
  *out = pointer;
  return 0;
}
void free(void* pointer) {
  __libc_free(pointer);
}
}

namespace rl::test {

AllocationCounter::AllocationCounter() : start_(allocations.load()) {}
AllocationCounter::~AllocationCounter() = default;
long AllocationCounter::count() const {
  return allocations - start_;
}

}  // namespace rl::test
