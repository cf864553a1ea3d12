#include "sluice/ops/source/payload_reader.hpp"

#include "sluice/core/errors.hpp"
#include "sluice/ops/source/csv_record_reader.hpp"
#include "sluice/ops/source/file_cursor.hpp"
#include "sluice/ops/source/jsonl_record_reader.hpp"

namespace sluice::ops::source {

payload_format parse_payload_format(const std::string& name) {
  if (name == "csv") return payload_format::csv;
  if (name == "raw") return payload_format::raw;
  return payload_format::json;
}

core::schema_ptr payload_schema(payload_format format, core::schema_ptr schema) {
  if (format != payload_format::raw) {
    if (!schema) throw core::param_error("schema", "is required with format json or csv");
    return schema;
  }
  auto raw = core::make_schema({{"value", core::value_type::string}});
  if (schema && *schema != *raw)
    throw core::param_error("schema",
                            "format raw gives one string field 'value'; leave schema out");
  return raw;
}

payload_reader::payload_reader(payload_format format, core::schema_ptr schema)
  : format_(format), schema_(std::move(schema)) {
  if (format_ == payload_format::json) {
    reader_ = std::make_unique<jsonl_record_reader>(schema_);
  } else if (format_ == payload_format::csv) {
    reader_ = std::make_unique<csv_record_reader>(schema_);
    // Messages carry no header: the schema's order is the column order.
    std::string header;
    for (const auto& f : schema_->fields()) {
      if (!header.empty()) header += ',';
      header += '"';
      for (char c : f.name) header += c == '"' ? std::string("\"\"") : std::string(1, c);
      header += '"';
    }
    reader_->start_file();
    core::batch_builder none(schema_);
    std::string reason;
    padded_.assign(header);
    padded_.append(file_cursor::padding, '\0');
    const std::string_view text(padded_.data(), header.size());
    reader_->scan(text, true);
    reader_->parse(text, none, reason);
  }
}

payload_reader::~payload_reader() = default;

bool payload_reader::read(std::string_view payload, core::batch_builder& out, std::string& reason) {
  if (format_ == payload_format::raw) {
    out.column_at(0).append_string(payload);
    return true;
  }
  // A record ends at its line end: a message with a trailing newline is one
  // record, not a record and a blank one.
  while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r'))
    payload.remove_suffix(1);
  if (payload.empty()) {
    reason = "an empty message";
    return false;
  }
  padded_.assign(payload);
  padded_.append(file_cursor::padding, '\0');
  const std::string_view record(padded_.data(), payload.size());
  // The readers parse what their scan found (CSV fields, quotes and all):
  // a message is one whole record.
  const auto span = reader_->scan(record, true);
  if (span.what == text::record_span::status::malformed) {
    reason = span.reason;
    return false;
  }
  if (span.what != text::record_span::status::complete || span.consumed < record.size()) {
    reason = "a message holds one record; this one holds more, or an unfinished one";
    return false;
  }
  switch (reader_->parse(record.substr(0, span.length), out, reason)) {
    case parse_outcome::row: return true;
    case parse_outcome::skipped: reason = "an empty message"; return false;
    case parse_outcome::error: return false;
  }
  return false;
}

} // namespace sluice::ops::source
