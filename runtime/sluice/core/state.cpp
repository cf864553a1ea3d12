#include "sluice/core/state.hpp"

#include <cstring>

#include "sluice/core/operator.hpp"

namespace sluice::core {

namespace {

// One tag per kind of value; a reader that finds another tag than it expects
// reports the layout mismatch at that byte.
enum tag : std::uint8_t {
  tag_i64 = 1,
  tag_u64 = 2,
  tag_f64 = 3,
  tag_bool = 4,
  tag_string = 5,
  tag_count = 6,
  tag_batch = 7,
  tag_column = 8,
};

const char* tag_name(std::uint8_t t) {
  switch (t) {
    case tag_i64: return "int64";
    case tag_u64: return "uint64";
    case tag_f64: return "double";
    case tag_bool: return "bool";
    case tag_string: return "string";
    case tag_count: return "count";
    case tag_batch: return "batch";
    case tag_column: return "column";
    default: return "unknown tag";
  }
}

constexpr std::string_view magic = "SLUICE-STATE";
constexpr std::uint64_t format_version = 1;

std::uint64_t bits_of(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

double double_of(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

} // namespace

// --- writer ---------------------------------------------------------------

void state_writer::raw64(std::uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out_.append(buf, 8);
}

// Columns are most of a large state (a join's held rows), and a snapshot
// runs on the operator's thread: they are written with one copy per column
// instead of a call per value. The bytes are raw64's (little-endian).
void state_writer::raw64_array(const void* values, std::size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  out_.append(static_cast<const char*>(values), n * 8);
#else
  const auto* p = static_cast<const unsigned char*>(values);
  for (std::size_t i = 0; i < n; ++i, p += 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    raw64(v);
  }
#endif
}

void state_writer::i64(std::int64_t v) {
  tag(tag_i64);
  raw64(static_cast<std::uint64_t>(v));
}

void state_writer::u64(std::uint64_t v) {
  tag(tag_u64);
  raw64(v);
}

void state_writer::f64(double v) {
  tag(tag_f64);
  raw64(bits_of(v));
}

void state_writer::boolean(bool v) {
  tag(tag_bool);
  out_.push_back(v ? '\1' : '\0');
}

void state_writer::str(std::string_view v) {
  str_head(v.size());
  out_.append(v.data(), v.size());
}

void state_writer::str_head(std::size_t size) {
  tag(tag_string);
  raw64(size);
}

void state_writer::count(std::size_t n) {
  tag(tag_count);
  raw64(n);
}

void state_writer::column(const core::column& c) {
  tag(tag_column);
  raw64(static_cast<std::uint64_t>(c.type()));
  const std::size_t rows = c.size();
  raw64(rows);
  raw64(c.has_nulls() ? 1 : 0);
  if (c.has_nulls()) out_.append(reinterpret_cast<const char*>(c.valid.data()), rows);
  switch (c.type()) {
    case value_type::int64:
    case value_type::timestamp: raw64_array(c.ints.data(), rows); break;
    case value_type::float64: raw64_array(c.doubles.data(), rows); break;
    case value_type::boolean:
      out_.append(reinterpret_cast<const char*>(c.bools.data()), rows);
      break;
    case value_type::string: {
      // Each value is its length (raw64) and its bytes; sized once, filled
      // in place.
      const std::size_t chars = c.offsets[rows] - c.offsets[0];
      std::size_t at = out_.size();
      out_.resize(at + rows * 8 + chars);
      char* dst = &out_[0];
      for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t size = c.offsets[r + 1] - c.offsets[r];
        for (int i = 0; i < 8; ++i) dst[at++] = static_cast<char>((size >> (8 * i)) & 0xff);
        std::memcpy(dst + at, c.bytes.data() + c.offsets[r], size);
        at += size;
      }
      break;
    }
  }
}

void state_writer::batch(const core::batch& b) {
  tag(tag_batch);
  const auto& fields = b.fields().fields();
  raw64(fields.size());
  for (const auto& f : fields) {
    str(f.name);
    raw64(static_cast<std::uint64_t>(f.type));
  }
  raw64(b.rows());
  for (std::size_t i = 0; i < b.num_columns(); ++i) column(b.col(i));
}

// --- reader ---------------------------------------------------------------

void state_reader::fail(const std::string& what) const {
  throw state_error("state at byte " + std::to_string(pos_) + ": " + what);
}

std::string_view state_reader::take(std::size_t n) {
  if (n > in_.size() - pos_)
    fail("truncated: " + std::to_string(n) + " bytes wanted, " + std::to_string(in_.size() - pos_)
         + " left");
  auto out = in_.substr(pos_, n);
  pos_ += n;
  return out;
}

std::uint64_t state_reader::raw64() {
  auto b = take(8);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
  return v;
}

void state_reader::expect(std::uint8_t t) {
  if (pos_ >= in_.size()) fail(std::string("truncated: expected ") + tag_name(t));
  auto found = static_cast<std::uint8_t>(in_[pos_]);
  if (found != t)
    fail(std::string("expected ") + tag_name(t) + ", found " + tag_name(found)
         + " (the state was written by another layout)");
  ++pos_;
}

std::int64_t state_reader::i64() {
  expect(tag_i64);
  return static_cast<std::int64_t>(raw64());
}

std::uint64_t state_reader::u64() {
  expect(tag_u64);
  return raw64();
}

double state_reader::f64() {
  expect(tag_f64);
  return double_of(raw64());
}

bool state_reader::boolean() {
  expect(tag_bool);
  auto b = take(1);
  if (b[0] != '\0' && b[0] != '\1') fail("a bool that is neither 0 nor 1");
  return b[0] == '\1';
}

std::string state_reader::str() {
  expect(tag_string);
  auto n = raw64();
  return std::string(take(static_cast<std::size_t>(std::min<std::uint64_t>(n, in_.size()))));
}

std::size_t state_reader::count(std::size_t limit) {
  expect(tag_count);
  auto n = raw64();
  if (n > limit)
    fail("a count of " + std::to_string(n) + " (at most " + std::to_string(limit) + ")");
  // Every counted element is written as at least one tagged value: a count
  // past the bytes left is damage, and must not size a container.
  if (n > in_.size() - pos_)
    fail("a count of " + std::to_string(n) + " with " + std::to_string(in_.size() - pos_)
         + " bytes left");
  return static_cast<std::size_t>(n);
}

core::column state_reader::column() {
  expect(tag_column);
  auto type_code = raw64();
  if (type_code > static_cast<std::uint64_t>(value_type::timestamp))
    fail("unknown column type " + std::to_string(type_code));
  auto type = static_cast<value_type>(type_code);
  // Every row takes at least one byte, so a count past the input is corrupt.
  auto rows = raw64();
  if (rows > in_.size() - pos_) fail("a column of " + std::to_string(rows) + " rows");
  bool nulls = raw64() != 0;
  core::column c(type);
  std::string_view valid;
  if (nulls) valid = take(rows);
  for (std::uint64_t r = 0; r < rows; ++r) {
    switch (type) {
      case value_type::int64:
      case value_type::timestamp: c.append_int(static_cast<std::int64_t>(raw64())); break;
      case value_type::float64: c.append_double(double_of(raw64())); break;
      case value_type::boolean: c.append_bool(take(1)[0] != '\0'); break;
      case value_type::string: {
        auto n = raw64();
        c.append_string(take(static_cast<std::size_t>(std::min<std::uint64_t>(n, in_.size()))));
        break;
      }
    }
  }
  if (nulls) {
    c.valid.assign(valid.begin(), valid.end());
    for (auto& v : c.valid) v = v ? 1 : 0;
  }
  return c;
}

batch_ptr state_reader::batch() {
  expect(tag_batch);
  auto n = raw64();
  if (n > in_.size() - pos_) fail("a batch of " + std::to_string(n) + " fields");
  std::vector<field> fields;
  for (std::uint64_t i = 0; i < n; ++i) {
    auto name = str();
    auto type_code = raw64();
    if (type_code > static_cast<std::uint64_t>(value_type::timestamp))
      fail("unknown field type " + std::to_string(type_code));
    fields.push_back({std::move(name), static_cast<value_type>(type_code)});
  }
  auto rows = static_cast<std::size_t>(raw64());
  std::vector<column_ptr> columns;
  for (const auto& f : fields) {
    auto c = column();
    if (c.type() != f.type || c.size() != rows) fail("a column that does not match its batch");
    columns.push_back(std::make_shared<const core::column>(std::move(c)));
  }
  return std::make_shared<const core::batch>(make_schema(std::move(fields)), std::move(columns),
                                             rows);
}

// --- whole snapshots ------------------------------------------------------

std::string snapshot_state(const operator_base& op, std::string_view kind,
                           std::size_t expected_bytes) {
  if (op.state_version() == 0)
    throw std::logic_error("operator '" + std::string(kind) + "' keeps no state");
  state_writer w;
  w.reserve(expected_bytes);
  w.str(magic);
  w.u64(format_version);
  w.str(kind);
  w.u64(op.state_version());
  op.snapshot(w);
  return w.take();
}

void restore_state(operator_base& op, std::string_view kind, std::string_view snapshot) {
  state_reader r(snapshot);
  std::string head;
  try {
    head = r.str();
  } catch (const state_error&) {
    head.clear();
  }
  if (head != magic) throw state_error("not a Sluice operator state");
  auto format = r.u64();
  if (format != format_version)
    throw state_error("state format " + std::to_string(format) + ", this build reads "
                      + std::to_string(format_version));
  auto written_kind = r.str();
  if (written_kind != kind)
    throw state_error("state of a '" + written_kind + "' operator, not '" + std::string(kind)
                      + "'");
  auto version = r.u64();
  if (version != op.state_version())
    throw state_error("state layout version " + std::to_string(version) + " of '"
                      + std::string(kind) + "', this build reads version "
                      + std::to_string(op.state_version()));
  op.restore(r);
  if (!r.at_end())
    throw state_error("state of '" + std::string(kind) + "' has "
                      + std::to_string(snapshot.size() - r.position())
                      + " bytes left over after restoring");
}

} // namespace sluice::core
