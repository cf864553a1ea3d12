#include "sluice/ops/sink/staged_rows.hpp"

#include <algorithm>

#include "sluice/core/state.hpp"

namespace sluice::ops::sink {

namespace {

void write_batches(core::state_writer& w, const std::vector<core::batch_ptr>& batches) {
  w.count(batches.size());
  for (const auto& b : batches) w.batch(*b);
}

std::vector<core::batch_ptr> read_batches(core::state_reader& r, const core::schema& input) {
  std::vector<core::batch_ptr> out(r.count());
  for (auto& b : out) {
    b = r.batch();
    if (b->fields() != input)
      throw core::state_error("held rows of another schema (" + b->fields().to_string()
                              + ") than the input's (" + input.to_string() + ")");
  }
  return out;
}

} // namespace

void staged_rows::add(core::batch_ptr b) {
  if (b && b->rows() > 0) current_.push_back(std::move(b));
}

void staged_rows::seal(std::uint64_t id) {
  last_sealed_ = std::max(last_sealed_, id);
  if (current_.empty()) return;
  sealed_.push_back({id, std::move(current_)});
  current_.clear();
}

std::vector<core::batch_ptr> staged_rows::sealed_up_to(std::uint64_t id) const {
  std::vector<core::batch_ptr> out;
  for (const auto& s : sealed_) {
    if (s.id > id) break;
    out.insert(out.end(), s.batches.begin(), s.batches.end());
  }
  return out;
}

std::vector<core::batch_ptr> staged_rows::all() const {
  auto out = sealed_up_to(last_sealed_);
  out.insert(out.end(), current_.begin(), current_.end());
  return out;
}

void staged_rows::drop_up_to(std::uint64_t id) {
  auto end =
    std::find_if(sealed_.begin(), sealed_.end(), [id](const segment& s) { return s.id > id; });
  sealed_.erase(sealed_.begin(), end);
}

void staged_rows::clear() {
  sealed_.clear();
  current_.clear();
}

void staged_rows::snapshot(core::state_writer& w) const {
  w.u64(last_sealed_);
  w.count(sealed_.size());
  for (const auto& s : sealed_) {
    w.u64(s.id);
    write_batches(w, s.batches);
  }
  write_batches(w, current_);
}

void staged_rows::restore(core::state_reader& r, const core::schema& input) {
  last_sealed_ = r.u64();
  sealed_.resize(r.count());
  std::uint64_t previous = 0;
  for (auto& s : sealed_) {
    s.id = r.u64();
    if (s.id <= previous || s.id > last_sealed_)
      throw core::state_error("held rows of checkpoints out of order");
    previous = s.id;
    s.batches = read_batches(r, input);
  }
  current_ = read_batches(r, input);
}

} // namespace sluice::ops::sink
