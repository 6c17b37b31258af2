// Counts heap allocations (malloc, calloc, realloc, aligned allocations and therefore operator
// new and Eigen's allocations) made by any thread while a counter is alive.
// Built only outside the sanitizer builds, which own malloc; RL_COUNT_ALLOCATIONS says so.
#pragma once

namespace rl::test {

class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;
  /// Allocations since construction.
  long count() const;

 private:
  long start_;
};

}  // namespace rl::test
