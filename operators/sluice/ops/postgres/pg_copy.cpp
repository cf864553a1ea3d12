#include "sluice/ops/postgres/pg_copy.hpp"

#include <cstdint>
#include <cstring>

namespace sluice::ops::postgres {

namespace {

// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01).
constexpr std::int64_t pg_epoch_us = 946684800000000;

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}
void put32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}
void put64(std::string& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t more = 0;
    if (c < 0x80) more = 0;
    else if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) more = 2;
    else if (c >= 0xf0 && c <= 0xf4) more = 3;
    else return false;
    if (i + more >= s.size() && more > 0) return false;
    for (std::size_t k = 1; k <= more; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += more + 1;
  }
  return true;
}

} // namespace

std::string refusal(const core::batch& b, std::size_t row,
                    const std::vector<std::size_t>& not_null) {
  for (auto k : not_null)
    if (b.col(k).is_null(row)) return "key field '" + b.fields().at(k).name + "' is null";
  for (std::size_t c = 0; c < b.num_columns(); ++c) {
    const auto& col = b.col(c);
    if (col.type() != core::value_type::string || col.is_null(row)) continue;
    const auto s = col.string_at(row);
    if (s.find('\0') != std::string_view::npos)
      return "field '" + b.fields().at(c).name + "' holds a NUL byte, which PostgreSQL text cannot";
    if (!valid_utf8(s)) return "field '" + b.fields().at(c).name + "' is not valid UTF-8";
  }
  return {};
}

void copy_encoder::begin() {
  out_.clear();
  rows_ = 0;
  out_.append("PGCOPY\n\377\r\n\0", 11);
  put32(out_, 0); // flags
  put32(out_, 0); // header extension length
}

void copy_encoder::add_row(const core::batch& b, std::size_t row) {
  put16(out_, static_cast<std::uint16_t>(b.num_columns()));
  for (std::size_t c = 0; c < b.num_columns(); ++c) {
    const auto& col = b.col(c);
    if (col.is_null(row)) {
      put32(out_, 0xffffffffu);
      continue;
    }
    switch (col.type()) {
      case core::value_type::int64:
        put32(out_, 8);
        put64(out_, static_cast<std::uint64_t>(col.ints[row]));
        break;
      case core::value_type::timestamp:
        put32(out_, 8);
        put64(out_, static_cast<std::uint64_t>(col.ints[row] - pg_epoch_us));
        break;
      case core::value_type::float64: {
        std::uint64_t bits;
        std::memcpy(&bits, &col.doubles[row], 8);
        put32(out_, 8);
        put64(out_, bits);
        break;
      }
      case core::value_type::boolean:
        put32(out_, 1);
        out_ += static_cast<char>(col.bools[row] ? 1 : 0);
        break;
      case core::value_type::string: {
        const auto s = col.string_at(row);
        put32(out_, static_cast<std::uint32_t>(s.size()));
        out_.append(s.data(), s.size());
        break;
      }
    }
  }
  ++rows_;
}

void copy_encoder::add_all(const core::batch& b) {
  for (std::size_t r = 0; r < b.rows(); ++r) add_row(b, r);
}

void copy_encoder::end() { put16(out_, 0xffff); }

} // namespace sluice::ops::postgres
