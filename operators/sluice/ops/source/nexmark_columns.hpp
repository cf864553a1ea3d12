#pragma once

// How source.nexmark fills its output batches: string columns written
// through raw pointers into buffers sized ahead, and the projection of the
// `fields` param. Internal to the operator (nexmark_source.cpp).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sluice/core/batch.hpp"

namespace sluice::ops::source::nexmark {

// Copies `len` bytes in 8-byte words: may read up to 7 bytes past the end of
// `src` (which must be padded, see nexmark::padding) and write as far past
// `len` in `dst`. 8-byte loads, as the generator writes its strings in
// 8-byte stores: wider loads over two fresh stores would stall (failed
// store-to-load forwarding).
inline void copy_padded(char* dst, const char* src, std::size_t len) {
  for (std::size_t i = 0; i < len; i += 8) std::memcpy(dst + i, src + i, 8);
}

// A string column being filled through a raw pointer: its bytes are sized
// ahead (with slack) and cut to the length used when the batch is done.
struct string_out {
  core::column* col = nullptr;
  char* base = nullptr;
  std::size_t pos = 0, cap = 0;

  void start(core::column& c, std::size_t rows, std::size_t bytes) {
    col = &c;
    c.offsets.reserve(rows + 1);
    c.bytes.resize(bytes + 64);
    base = c.bytes.data();
    pos = 0;
    cap = c.bytes.size() - 32;
  }
  void room(std::size_t len) {
    if (pos + len <= cap) return;
    col->bytes.resize(std::max(col->bytes.size() * 2, pos + len + 64));
    base = col->bytes.data();
    cap = col->bytes.size() - 32;
  }
  /// A string that may be read past its end (padded).
  void padded(std::string_view v) {
    room(v.size());
    copy_padded(base + pos, v.data(), v.size());
    pos += v.size();
    col->offsets.push_back(static_cast<std::uint32_t>(pos));
  }
  /// Any string.
  void plain(std::string_view v) {
    room(v.size());
    std::memcpy(base + pos, v.data(), v.size());
    pos += v.size();
    col->offsets.push_back(static_cast<std::uint32_t>(pos));
  }
  /// `len` bytes were written at base + pos (after room(len)).
  void written(std::size_t len) {
    pos += len;
    col->offsets.push_back(static_cast<std::uint32_t>(pos));
  }
  void finish() { col->bytes.resize(pos); }
};

// The columns of one port's batch under construction.
struct port_columns {
  std::vector<std::shared_ptr<core::column>> cols;
  std::vector<string_out> strings; ///< per column; used for string columns
  std::size_t rows = 0;

  /// `bytes_per_row`: expected bytes per row of each string column.
  void start(const core::schema_ptr& s, std::size_t rows_hint,
             const std::vector<std::size_t>& bytes_per_row) {
    cols.clear();
    strings.assign(s->size(), string_out{});
    rows = 0;
    for (std::size_t i = 0; i < s->size(); ++i) {
      auto c = std::make_shared<core::column>(s->at(i).type);
      if (s->at(i).type == core::value_type::string)
        strings[i].start(*c, rows_hint, rows_hint * bytes_per_row[i]);
      else c->ints.reserve(rows_hint);
      cols.push_back(std::move(c));
    }
  }
  void i(std::size_t c, std::int64_t v) { cols[c]->ints.push_back(v); }
  void s(std::size_t c, std::string_view v) { strings[c].padded(v); }
  void s_plain(std::size_t c, std::string_view v) { strings[c].plain(v); }
  core::batch_ptr finish(const core::schema_ptr& s) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (strings[i].col) strings[i].finish();
    std::vector<core::column_ptr> out(cols.begin(), cols.end());
    cols.clear();
    return std::make_shared<const core::batch>(s, std::move(out), rows);
  }
};

// Which fields of each port are emitted (the `fields` param).
struct projection {
  core::schema_ptr schema;        ///< the emitted fields, in the full schema's order
  std::uint32_t mask = 0;         ///< bit i: full-schema field i is emitted
  std::vector<int> column;        ///< full-schema field -> emitted column, or -1
  std::vector<std::size_t> bytes; ///< per emitted column: expected bytes per row
};

/// The projection of `full` on the field names `wanted` (null: every
/// field); throws param_error("fields", ...) naming `port` on a bad list.
projection project(const core::schema_ptr& full, const nlohmann::json* wanted,
                   const std::string& port, const std::vector<std::size_t>& bytes);

} // namespace sluice::ops::source::nexmark
