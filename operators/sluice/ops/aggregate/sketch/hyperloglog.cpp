#include "sluice/ops/aggregate/sketch/hyperloglog.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "sluice/core/state.hpp"

namespace sluice::ops::aggregate::sketch {

namespace {

// Ertl 2017, algorithm 6: sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1).
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  for (;;) {
    x *= x;
    double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

// tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3.
double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  for (;;) {
    x = std::sqrt(x);
    double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

} // namespace

hyperloglog::hyperloglog(int precision) : precision_(precision) {
  if (precision < min_precision || precision > max_precision)
    throw std::invalid_argument("HyperLogLog precision must be in [" + std::to_string(min_precision)
                                + ", " + std::to_string(max_precision) + "], got "
                                + std::to_string(precision));
}

double hyperloglog::standard_error() const {
  return 1.04 / std::sqrt(static_cast<double>(register_count()));
}

void hyperloglog::set_register(std::uint64_t hash) {
  const int q = 64 - precision_;
  const std::size_t index = hash >> q;
  const std::uint64_t rest = hash << precision_; // the low q bits, left-aligned
  const auto rank = static_cast<std::uint8_t>(rest == 0 ? q + 1 : __builtin_clzll(rest) + 1);
  if (registers_[index] < rank) registers_[index] = rank;
}

void hyperloglog::densify() {
  registers_.assign(register_count(), 0);
  for (std::uint64_t h : sparse_) set_register(h);
  sparse_.clear();
  sparse_.shrink_to_fit();
}

void hyperloglog::add_hash(std::uint64_t hash) {
  if (!registers_.empty()) {
    set_register(hash);
    return;
  }
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), hash);
  if (it != sparse_.end() && *it == hash) return;
  sparse_.insert(it, hash);
  if (sparse_.size() > sparse_limit()) densify();
}

void hyperloglog::merge(const hyperloglog& other) {
  if (other.precision_ != precision_)
    throw std::invalid_argument("cannot merge HyperLogLog sketches of precision "
                                + std::to_string(precision_) + " and "
                                + std::to_string(other.precision_));
  if (other.registers_.empty()) {
    for (std::uint64_t h : other.sparse_) add_hash(h);
    return;
  }
  if (registers_.empty()) densify();
  for (std::size_t i = 0; i < registers_.size(); ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

double hyperloglog::estimate() const {
  if (registers_.empty()) return static_cast<double>(sparse_.size());
  const int q = 64 - precision_;
  std::vector<double> counts(static_cast<std::size_t>(q) + 2, 0.0);
  for (std::uint8_t r : registers_) counts[r] += 1.0;
  const double m = static_cast<double>(register_count());
  double z = m * tau(1.0 - counts[static_cast<std::size_t>(q) + 1] / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + counts[static_cast<std::size_t>(k)]);
  z += m * sigma(counts[0] / m);
  const double alpha_infinity = 1.0 / (2.0 * std::log(2.0));
  return alpha_infinity * m * m / z;
}

void hyperloglog::snapshot(core::state_writer& w) const {
  w.u64(static_cast<std::uint64_t>(precision_));
  w.boolean(is_sparse());
  if (is_sparse()) {
    w.count(sparse_.size());
    for (std::uint64_t h : sparse_) w.u64(h);
  } else {
    w.str(std::string_view(reinterpret_cast<const char*>(registers_.data()), registers_.size()));
  }
}

void hyperloglog::restore(core::state_reader& r) {
  if (r.u64() != static_cast<std::uint64_t>(precision_))
    throw core::state_error("a HyperLogLog sketch of another precision");
  sparse_.clear();
  registers_.clear();
  if (r.boolean()) {
    const std::size_t n = r.count(sparse_limit());
    sparse_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) sparse_.push_back(r.u64());
    if (!std::is_sorted(sparse_.begin(), sparse_.end()))
      throw core::state_error("a HyperLogLog sketch whose hashes are not sorted");
  } else {
    const std::string bytes = r.str();
    if (bytes.size() != register_count())
      throw core::state_error("a HyperLogLog sketch with " + std::to_string(bytes.size())
                              + " registers, expected " + std::to_string(register_count()));
    registers_.assign(bytes.begin(), bytes.end());
  }
}

} // namespace sluice::ops::aggregate::sketch
