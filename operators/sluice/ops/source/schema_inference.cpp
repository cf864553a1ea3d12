#include "sluice/ops/source/schema_inference.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "sluice/core/errors.hpp"
#include "sluice/core/time.hpp"
#include "sluice/ops/source/file_cursor.hpp"
#include "sluice/ops/source/jsonl_record_reader.hpp"
#include "sluice/ops/text/csv_scanner.hpp"
#include "sluice/ops/text/file_version_cache.hpp"
#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::source {

namespace {

using core::value_type;

/// The kinds of value seen in one field.
struct field_stats {
  std::string name;
  bool ints = false, doubles = false, bools = false, strings = false, others = false;
  bool all_timestamps = true; ///< every string seen parses as ISO-8601
  /// The record that last set a value: a key repeated within one JSON
  /// record counts once, first value only, as the reader keeps it.
  std::size_t last_record = SIZE_MAX;

  value_type resolve() const {
    bool numbers = ints || doubles;
    if (others || (strings && (numbers || bools)) || (bools && numbers)) return value_type::string;
    if (strings) return all_timestamps ? value_type::timestamp : value_type::string;
    if (bools) return value_type::boolean;
    if (doubles) return value_type::float64;
    if (ints) return value_type::int64;
    return value_type::string; // only nulls
  }
};

class field_table {
public:
  field_stats& at(std::string_view name) {
    auto it = index_.find(std::string(name));
    if (it != index_.end()) return fields_[it->second];
    index_.emplace(std::string(name), fields_.size());
    fields_.push_back({std::string(name)});
    return fields_.back();
  }
  /// The index of field `name`, added if new.
  std::size_t index(std::string_view name) {
    at(name);
    return index_.at(std::string(name));
  }
  std::vector<field_stats>& fields() { return fields_; }

private:
  std::vector<field_stats> fields_;
  std::unordered_map<std::string, std::size_t> index_;
};

void note_json(field_stats& f, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::INT64: f.ints = true; break;
    case element_type::UINT64:
    case element_type::DOUBLE: f.doubles = true; break;
    case element_type::BOOL: f.bools = true; break;
    case element_type::NULL_VALUE: break;
    case element_type::STRING:
      f.strings = true;
      if (!core::parse_iso8601(v.get_string().value_unsafe())) f.all_timestamps = false;
      break;
    default: f.others = true;
  }
}

void note_text(field_stats& f, const text::csv_field& v) {
  if (v.text.empty()) {
    if (v.quoted) {
      f.strings = true;
      f.all_timestamps = false;
    }
    return;
  }
  switch (text::classify_text(v.text)) {
    case value_type::int64: f.ints = true; break;
    case value_type::float64: f.doubles = true; break;
    case value_type::boolean: f.bools = true; break;
    case value_type::timestamp: f.strings = true; break;
    case value_type::string:
      f.strings = true;
      f.all_timestamps = false;
      break;
  }
}

} // namespace

core::schema_ptr parse_schema_param(const nlohmann::json& spec) {
  std::vector<core::field> fields;
  auto add = [&](const std::string& name, const std::string& type) {
    if (name.empty()) throw core::param_error("schema", "a field name is empty");
    for (const auto& f : fields)
      if (f.name == name) throw core::param_error("schema", "field '" + name + "' appears twice");
    auto t = core::parse_value_type(type);
    if (!t)
      throw core::param_error("schema", "field '" + name + "': unknown type \"" + type
                                          + "\" (use int, double, bool, string or timestamp)");
    fields.push_back({name, *t});
  };
  if (spec.is_object()) {
    for (const auto& [name, type] : spec.items()) {
      if (!type.is_string())
        throw core::param_error("schema", "field '" + name + "': the type must be a string");
      add(name, type.get<std::string>());
    }
  } else if (spec.is_array()) {
    for (const auto& item : spec) {
      auto text = item.is_string() ? item.get<std::string>() : std::string();
      auto colon = text.rfind(':');
      if (colon == std::string::npos)
        throw core::param_error("schema",
                                "array items must be \"name:type\" strings, got " + item.dump());
      add(text.substr(0, colon), text.substr(colon + 1));
    }
  } else {
    throw core::param_error("schema", "must be an object of field name to type, or an array of "
                                      "\"name:type\" strings");
  }
  if (fields.empty()) throw core::param_error("schema", "must name at least one field");
  return core::make_schema(std::move(fields));
}

core::schema_ptr infer_schema(const std::string& path, bool csv, std::size_t max_records) {
  file_cursor cur;
  if (!cur.open(path))
    throw core::param_error("path", "cannot open '" + path + "' to infer its schema ("
                                      + std::strerror(errno) + "); give a 'schema'");
  cur.skip_utf8_bom();
  field_table table;
  text::csv_scanner scanner;
  simdjson::dom::parser parser;
  std::vector<std::size_t> column_field; ///< CSV header column -> field (first of a name)
  bool eof = false, header_done = false;
  std::size_t records = 0;
  while (records < max_records && (records == 0 || cur.position() < max_sample_bytes)) {
    auto data = cur.pending();
    if (data.empty() && eof) break;
    auto span = csv ? scanner.scan(data, eof) : scan_line(data, eof);
    if (span.what == text::record_span::status::incomplete) {
      // A sample is a few records: a "line" this long (a file without line
      // ends, /dev/zero) is no sample, and would take all memory to read.
      if (data.size() > max_sample_record_bytes)
        throw core::param_error("path", "cannot infer the schema of '" + path + "': record "
                                          + std::to_string(records + 1) + " is longer than "
                                          + std::to_string(max_sample_record_bytes >> 20)
                                          + " MiB; give a 'schema'");
      if (cur.fill() == 0) eof = true;
      continue;
    }
    if (span.what == text::record_span::status::complete) {
      auto text = data.substr(0, span.length);
      if (csv && !header_done) {
        for (const auto& f : scanner.fields()) column_field.push_back(table.index(f.text));
        header_done = true;
      } else if (csv && scanner.fields().size() == column_field.size()) {
        const auto& values = scanner.fields();
        for (std::size_t i = 0; i < values.size(); ++i)
          note_text(table.fields()[column_field[i]], values[i]);
        ++records;
      } else if (!csv) {
        simdjson::dom::object obj;
        if (!parser.parse(text.data(), text.size(), false).get(obj)) {
          for (auto kv : obj) {
            auto& f = table.at(kv.key);
            if (f.last_record == records) continue;
            f.last_record = records;
            note_json(f, kv.value);
          }
          ++records;
        }
      }
    }
    cur.consume(span.consumed);
  }
  // A CSV header alone still names the fields (as strings).
  if ((records == 0 && !header_done) || table.fields().empty())
    throw core::param_error("path", "'" + path
                                      + "' holds no record to infer a schema from; "
                                        "give a 'schema'");
  std::vector<core::field> fields;
  for (const auto& f : table.fields()) fields.push_back({f.name, f.resolve()});
  return core::make_schema(std::move(fields));
}

core::schema_ptr infer_schema_cached(const std::string& path, bool csv) {
  return text::remembered_per_file_version<core::schema_ptr>(
    path, csv ? "csv" : "jsonl", [&] { return infer_schema(path, csv); });
}

} // namespace sluice::ops::source
