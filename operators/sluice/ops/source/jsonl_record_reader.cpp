#include "sluice/ops/source/jsonl_record_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include <simdjson.h>

#include "sluice/ops/source/file_cursor.hpp"
#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::source {

static_assert(file_cursor::padding >= simdjson::SIMDJSON_PADDING,
              "records handed to simdjson must be followed by its padding");

namespace {

using core::value_type;
using simdjson::dom::element_type;

const char* kind_of(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64: return "int";
    case element_type::UINT64: return "int beyond int64";
    case element_type::DOUBLE: return "double";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "bool";
    case element_type::NULL_VALUE: return "null";
  }
  return "value";
}

bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

} // namespace

text::record_span scan_line(std::string_view data, bool at_eof) {
  text::record_span r;
  const void* nl = std::memchr(data.data(), '\n', data.size());
  if (!nl) {
    if (!at_eof || data.empty()) return r; // incomplete
    r.what = text::record_span::status::complete;
    r.consumed = r.length = data.size();
    if (r.length > 0 && data[r.length - 1] == '\r') --r.length;
    return r;
  }
  r.what = text::record_span::status::complete;
  r.length = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
  r.consumed = r.length + 1;
  r.lines = 1;
  if (r.length > 0 && data[r.length - 1] == '\r') --r.length;
  return r;
}

struct jsonl_record_reader::impl {
  explicit impl(core::schema_ptr s) : schema(std::move(s)), seen(schema->size(), 0) {}

  int find_field(std::string_view key, std::size_t hint) const {
    const auto& fields = schema->fields();
    const std::size_t n = fields.size();
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t i = hint + k < n ? hint + k : hint + k - n;
      if (fields[i].name == key) return static_cast<int>(i);
    }
    return -1;
  }

  // Appends `v` to `c` as type `t`; false with `reason` if it has another type.
  bool append(core::column& c, value_type t, simdjson::dom::element v, std::string& reason) {
    element_type et = v.type();
    if (et == element_type::NULL_VALUE) {
      c.append_null();
      return true;
    }
    switch (t) {
      case value_type::int64:
        if (et != element_type::INT64) break;
        c.append_int(v.get_int64().value_unsafe());
        return true;
      case value_type::float64:
        if (et != element_type::INT64 && et != element_type::DOUBLE && et != element_type::UINT64)
          break;
        c.append_double(v.get_double().value_unsafe());
        return true;
      case value_type::boolean:
        if (et != element_type::BOOL) break;
        c.append_bool(v.get_bool().value_unsafe());
        return true;
      case value_type::timestamp: {
        if (et != element_type::STRING) break;
        std::string_view s = v.get_string().value_unsafe();
        auto ts = parse_time(s);
        if (!ts) {
          reason = "expected timestamp (ISO-8601), got \"" + std::string(s.substr(0, 40)) + "\"";
          return false;
        }
        c.append_int(*ts);
        return true;
      }
      case value_type::string: append_as_string(c, et, v); return true;
    }
    reason = "expected " + std::string(core::name_of(t)) + ", got " + kind_of(et);
    return false;
  }

  void append_as_string(core::column& c, element_type et, simdjson::dom::element v) {
    char buf[40];
    switch (et) {
      case element_type::STRING: c.append_string(v.get_string().value_unsafe()); return;
      case element_type::BOOL:
        c.append_string(v.get_bool().value_unsafe() ? "true" : "false");
        return;
      case element_type::INT64: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64().value_unsafe());
        c.append_string({buf, static_cast<std::size_t>(r.ptr - buf)});
        return;
      }
      case element_type::UINT64: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64().value_unsafe());
        c.append_string({buf, static_cast<std::size_t>(r.ptr - buf)});
        return;
      }
      case element_type::DOUBLE: {
        auto r = std::to_chars(buf, buf + sizeof buf, v.get_double().value_unsafe());
        c.append_string({buf, static_cast<std::size_t>(r.ptr - buf)});
        return;
      }
      default: c.append_string(simdjson::minify(v)); return; // nested: rare, allocates
    }
  }

  core::schema_ptr schema;
  simdjson::dom::parser parser;
  std::vector<std::uint8_t> seen;
  text::timestamp_parser parse_time;
};

jsonl_record_reader::jsonl_record_reader(core::schema_ptr schema)
  : impl_(std::make_unique<impl>(std::move(schema))) {}

jsonl_record_reader::~jsonl_record_reader() = default;

text::record_span jsonl_record_reader::scan(std::string_view data, bool at_eof) {
  return scan_line(data, at_eof);
}

parse_outcome jsonl_record_reader::parse(std::string_view record, core::batch_builder& out,
                                         std::string& reason) {
  if (is_blank(record)) return parse_outcome::skipped;
  auto& m = *impl_;
  simdjson::dom::element doc;
  if (auto err = m.parser.parse(record.data(), record.size(), false).get(doc)) {
    reason = std::string("malformed JSON: ") + simdjson::error_message(err);
    return parse_outcome::error;
  }
  simdjson::dom::object obj;
  if (doc.get(obj)) {
    reason = std::string("expected a JSON object, got ") + kind_of(doc.type());
    return parse_outcome::error;
  }
  const auto& fields = m.schema->fields();
  const std::size_t rows = out.rows();
  std::fill(m.seen.begin(), m.seen.end(), 0);
  std::size_t hint = 0;
  for (auto kv : obj) {
    int i = m.find_field(kv.key, hint);
    if (i < 0) continue;
    auto fi = static_cast<std::size_t>(i);
    if (m.seen[fi]) continue;
    m.seen[fi] = 1;
    hint = fi + 1 < fields.size() ? fi + 1 : 0;
    if (!m.append(out.column_at(fi), fields[fi].type, kv.value, reason)) {
      truncate_rows(out, rows, fields.size());
      reason = "field '" + fields[fi].name + "': " + reason;
      return parse_outcome::error;
    }
  }
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (!m.seen[i]) out.column_at(i).append_null();
  return parse_outcome::row;
}

} // namespace sluice::ops::source
