#include "sluice/ops/synopsis/reservoir.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "sluice/core/key_hashing.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/aggregate/sketch/value_key.hpp"

namespace sluice::ops::synopsis {

namespace {

// Skips are counted in records; beyond this the stream will not reach.
constexpr double max_skip = 1e18;

std::uint64_t to_skip(double gap) {
  if (!(gap < max_skip)) return static_cast<std::uint64_t>(max_skip);
  return static_cast<std::uint64_t>(std::floor(gap));
}

} // namespace

double sample_random::open_unit() {
  // 53 random bits in (0, 1): (x + 0.5) / 2^53.
  return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53;
}

std::uint64_t sample_random::geometric_skip(double p) {
  return to_skip(std::log(open_unit()) / std::log1p(-p));
}

bool reservoir::offer(const core::batch& b, std::size_t row, sample_random& random) {
  ++seen_;
  if (seen_ <= k_) {
    rows_.emplace_back();
    order_.push_back(seen_);
    store(rows_.size() - 1, b, row);
    if (seen_ == k_) {
      w_ = 1.0;
      next_ = seen_;
      draw_next(random);
    }
    return true;
  }
  if (seen_ != next_) return false;
  const auto slot = static_cast<std::size_t>(random.below(k_));
  store(slot, b, row);
  order_[slot] = seen_;
  draw_next(random);
  return true;
}

void reservoir::draw_next(sample_random& random) {
  w_ *= std::exp(std::log(random.open_unit()) / static_cast<double>(k_));
  next_ += to_skip(std::log(random.open_unit()) / std::log1p(-w_)) + 1;
}

void reservoir::store(std::size_t slot, const core::batch& b, std::size_t row) {
  auto& bytes = rows_[slot];
  bytes.clear();
  for (std::size_t c = 0; c < b.num_columns(); ++c) append_value_key(b.col(c), row, bytes);
}

void reservoir::append_to(core::batch_builder& out, const core::schema& s) const {
  std::vector<std::size_t> slots(rows_.size());
  std::iota(slots.begin(), slots.end(), 0);
  std::sort(slots.begin(), slots.end(),
            [&](std::size_t a, std::size_t b) { return order_[a] < order_[b]; });
  for (std::size_t slot : slots) {
    std::string_view bytes = rows_[slot];
    for (std::size_t c = 0; c < s.size(); ++c)
      read_value_key(bytes, s.at(c).type, out.column_at(c));
    if (s.size() == 0) out.add_empty_row();
  }
}

void sample_random::snapshot(core::state_writer& w) const {
  std::ostringstream text;
  text << engine_;
  w.str(text.str());
}

void sample_random::restore(core::state_reader& r) {
  std::istringstream text(r.str());
  text >> engine_;
  if (!text) throw core::state_error("a random engine state that does not parse");
}

void reservoir::snapshot(core::state_writer& w) const {
  w.u64(k_);
  w.count(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    w.str(rows_[i]);
    w.u64(order_[i]);
  }
  w.u64(seen_);
  w.f64(w_);
  w.u64(next_);
}

void reservoir::restore(core::state_reader& r, const std::vector<core::value_type>& types) {
  if (r.u64() != k_) throw core::state_error("a sample of another size k");
  rows_.resize(r.count(k_));
  order_.resize(rows_.size());
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    rows_[i] = r.str();
    if (!core::encoded_key_fits(rows_[i], types))
      throw core::state_error("a sampled record whose bytes do not hold the input's fields");
    order_[i] = r.u64();
  }
  seen_ = r.u64();
  w_ = r.f64();
  next_ = r.u64();
  // offer() stores the first k records in turn, then replaces a slot only at
  // next_, which lies ahead; Algorithm L's weight stays in (0, 1].
  const bool full = seen_ >= k_;
  if (rows_.size() != (full ? k_ : seen_))
    throw core::state_error("a sample holding " + std::to_string(rows_.size()) + " records after "
                            + std::to_string(seen_) + " were offered");
  if (full && (next_ <= seen_ || !(w_ > 0.0 && w_ <= 1.0)))
    throw core::state_error("a sample whose next pick lies behind it");
  for (std::uint64_t o : order_)
    if (o == 0 || o > seen_) throw core::state_error("a sampled record from past the input");
}

} // namespace sluice::ops::synopsis
