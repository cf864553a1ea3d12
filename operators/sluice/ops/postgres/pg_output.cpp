#include "sluice/ops/postgres/pg_output.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace sluice::ops::postgres {

namespace {

void need(bool ok) {
  if (!ok) throw std::runtime_error("postgres: a replication message is shorter than it says");
}

void put64(std::string& out, std::uint64_t v) {
  for (int s = 56; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xff);
}

tuple_values read_tuple(wire_reader& in) {
  tuple_values t;
  const std::uint16_t n = in.u16();
  t.values.reserve(n);
  for (std::uint16_t i = 0; i < n; ++i) {
    const std::uint8_t k = in.u8();
    if (k == 't' || k == 'b') {
      const std::uint32_t len = in.u32();
      t.values.emplace_back(in.bytes(len));
    } else {
      t.values.emplace_back(std::nullopt); // 'n' null, 'u' unchanged TOAST value
    }
  }
  return t;
}

} // namespace

std::string lsn_text(std::uint64_t lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32),
                static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

std::uint8_t wire_reader::u8() {
  need(pos_ + 1 <= data_.size());
  return static_cast<std::uint8_t>(data_[pos_++]);
}
std::uint16_t wire_reader::u16() {
  std::uint16_t v = u8();
  return static_cast<std::uint16_t>(v << 8 | u8());
}
std::uint32_t wire_reader::u32() {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | u8();
  return v;
}
std::uint64_t wire_reader::u64() {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | u8();
  return v;
}
std::string_view wire_reader::cstr() {
  const auto end = data_.find('\0', pos_);
  need(end != std::string_view::npos);
  auto s = data_.substr(pos_, end - pos_);
  pos_ = end + 1;
  return s;
}
std::string_view wire_reader::bytes(std::size_t n) {
  need(pos_ + n <= data_.size());
  auto s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

change decode_pgoutput(std::string_view data,
                       std::unordered_map<std::uint32_t, relation_info>& relations) {
  wire_reader in(data);
  change c;
  switch (in.u8()) {
    case 'B':
      c.what = change::kind::begin;
      c.end_lsn = in.u64(); // the LSN of the transaction's commit record
      break;
    case 'C':
      c.what = change::kind::commit;
      in.u8();  // flags
      in.u64(); // the commit's LSN
      c.end_lsn = in.u64();
      break;
    case 'R': {
      c.what = change::kind::relation;
      c.relation = in.u32();
      relation_info r;
      const std::string ns(in.cstr());
      r.name = std::string(in.cstr());
      if (ns != "public") r.name = ns + "." + r.name;
      in.u8(); // replica identity
      const std::uint16_t n = in.u16();
      for (std::uint16_t i = 0; i < n; ++i) {
        in.u8(); // flags (part of the key)
        r.columns.emplace_back(in.cstr());
        in.u32(); // type oid
        in.u32(); // type modifier
      }
      relations[c.relation] = std::move(r);
      break;
    }
    case 'I':
      c.what = change::kind::insert;
      c.relation = in.u32();
      need(in.u8() == 'N');
      c.row = read_tuple(in);
      break;
    case 'U': {
      c.what = change::kind::update;
      c.relation = in.u32();
      std::uint8_t k = in.u8();
      if (k == 'K' || k == 'O') {
        read_tuple(in); // the old row: the new one says what the row is now
        k = in.u8();
      }
      need(k == 'N');
      c.row = read_tuple(in);
      break;
    }
    case 'D': {
      c.what = change::kind::del;
      c.relation = in.u32();
      const std::uint8_t k = in.u8();
      need(k == 'K' || k == 'O');
      c.row = read_tuple(in);
      break;
    }
    default: c.what = change::kind::other; // origin, type, truncate, message
  }
  return c;
}

std::string status_update(std::uint64_t received, std::uint64_t confirmed, bool reply) {
  using namespace std::chrono;
  constexpr std::int64_t pg_epoch_us = 946684800000000;
  const auto now =
    duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() - pg_epoch_us;
  std::string out = "r";
  put64(out, received);
  put64(out, confirmed);
  put64(out, confirmed);
  put64(out, static_cast<std::uint64_t>(now));
  out += static_cast<char>(reply ? 1 : 0);
  return out;
}

} // namespace sluice::ops::postgres
