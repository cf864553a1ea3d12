#include "sluice/core/clock.hpp"

namespace sluice::core {

std::shared_ptr<clock> default_clock() {
  static auto instance = std::make_shared<steady_clock>();
  return instance;
}

} // namespace sluice::core
