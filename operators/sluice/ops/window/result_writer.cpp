#include "sluice/ops/window/result_writer.hpp"

#include <cstring>

namespace sluice::ops::window {

namespace {

// Appends the strings rows[0..n) of `in` (no nulls) to `out`: one resize,
// then short strings as one fixed 16-byte copy where both buffers have room.
void gather_strings(const core::column& in, const std::uint32_t* rows, std::size_t n,
                    core::column& out) {
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) total += in.offsets[rows[i] + 1] - in.offsets[rows[i]];
  const std::size_t base = out.bytes.size();
  out.bytes.resize(base + total + 16);
  out.offsets.reserve(out.offsets.size() + n);
  char* dst = out.bytes.data() + base;
  const char* src = in.bytes.data();
  const std::size_t src_size = in.bytes.size();
  std::size_t pos = base;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t from = in.offsets[rows[i]], len = in.offsets[rows[i] + 1] - from;
    if (len <= 16 && from + 16 <= src_size) std::memcpy(dst, src + from, 16);
    else std::memcpy(dst, src + from, len);
    dst += len;
    pos += len;
    out.offsets.push_back(static_cast<std::uint32_t>(pos));
  }
  out.bytes.resize(base + total);
  if (!out.valid.empty()) out.valid.resize(out.offsets.size() - 1, 1);
}

} // namespace

result_writer::result_writer(core::schema_ptr output, std::size_t key_count)
  : output_(std::move(output)), key_count_(key_count) {
  reset_columns();
}

void result_writer::reset_columns() {
  cols_.clear();
  agg_cols_.clear();
  for (std::size_t i = 0; i < output_->size(); ++i) {
    cols_.push_back(std::make_shared<core::column>(output_->at(i).type));
    if (last_rows_) cols_.back()->reserve(last_rows_, i < key_count_ ? last_rows_ * 8 : 0);
    if (i >= key_count_ + 2) agg_cols_.push_back(cols_.back().get());
  }
}

void result_writer::append_keys(const core::column* const* keys, std::size_t begin,
                                std::size_t end) {
  for (std::size_t k = 0; k < key_count_; ++k) {
    const core::column& in = *keys[k];
    core::column& out = *cols_[k];
    if (begin == 0 && end == in.size()) {
      core::append_all(out, in);
    } else if (in.type() == core::value_type::string && !in.has_nulls() && out.valid.empty()) {
      const std::uint32_t from = in.offsets[begin],
                          base = static_cast<std::uint32_t>(out.bytes.size());
      out.bytes.append(in.bytes.data() + from, in.offsets[end] - from);
      for (std::size_t r = begin; r < end; ++r)
        out.offsets.push_back(base + in.offsets[r + 1] - from);
    } else {
      for (std::size_t r = begin; r < end; ++r) out.append_from(in, r);
    }
  }
}

void result_writer::append_key(const core::column* const* keys, std::size_t row) {
  for (std::size_t k = 0; k < key_count_; ++k) cols_[k]->append_from(*keys[k], row);
}

void result_writer::append_key_rows(const core::column* const* keys, const std::uint32_t* rows,
                                    std::size_t n) {
  for (std::size_t k = 0; k < key_count_; ++k) {
    const core::column& in = *keys[k];
    core::column& out = *cols_[k];
    if (in.type() == core::value_type::string && !in.has_nulls()) {
      gather_strings(in, rows, n, out);
    } else {
      for (std::size_t i = 0; i < n; ++i) out.append_from(in, rows[i]);
    }
  }
}

void result_writer::append_bounds(core::timestamp start, core::timestamp end, std::size_t n) {
  auto& s = cols_[key_count_]->ints;
  auto& e = cols_[key_count_ + 1]->ints;
  s.insert(s.end(), n, start);
  e.insert(e.end(), n, end);
}

void result_writer::seal() {
  if (rows_ == 0) return;
  std::vector<core::column_ptr> cols(cols_.begin(), cols_.end());
  ready_.push_back(std::make_shared<const core::batch>(output_, std::move(cols), rows_));
  last_rows_ = rows_;
  rows_ = 0;
  reset_columns();
}

void result_writer::flush(core::emitter& out) {
  seal();
  for (auto& b : ready_) out.emit(0, std::move(b));
  ready_.clear();
}

} // namespace sluice::ops::window
