#include "sluice/ops/source/csv_record_reader.hpp"

#include "sluice/ops/text/text_values.hpp"

namespace sluice::ops::source {

namespace {

using core::value_type;

// Appends `f` to `c` as a value of type `t`; false with `reason` if it is not one.
bool append_field(core::column& c, value_type t, const text::csv_field& f,
                  text::timestamp_parser& parse_time, std::string& reason) {
  if (f.text.empty() && (!f.quoted || t != value_type::string)) {
    c.append_null();
    return true;
  }
  switch (t) {
    case value_type::string: c.append_string(f.text); return true;
    case value_type::int64: {
      std::int64_t v;
      if (!text::parse_int_text(f.text, v)) break;
      c.append_int(v);
      return true;
    }
    case value_type::float64: {
      double v;
      if (!text::parse_double_text(f.text, v)) break;
      c.append_double(v);
      return true;
    }
    case value_type::boolean: {
      bool v;
      if (!text::parse_bool_text(f.text, v)) break;
      c.append_bool(v);
      return true;
    }
    case value_type::timestamp: {
      auto v = parse_time(f.text);
      if (!v) break;
      c.append_int(*v);
      return true;
    }
  }
  constexpr std::size_t shown = 40;
  std::string text(f.text.substr(0, shown));
  if (f.text.size() > shown) text += "...";
  reason = "expected " + std::string(core::name_of(t))
           + (t == value_type::timestamp ? " (ISO-8601)" : "") + ", got \"" + text + "\"";
  return false;
}

} // namespace

csv_record_reader::csv_record_reader(core::schema_ptr schema) : schema_(std::move(schema)) {}

void csv_record_reader::start_file() { header_pending_ = true; }

text::record_span csv_record_reader::scan(std::string_view data, bool at_eof) {
  return scanner_.scan(data, at_eof);
}

void csv_record_reader::read_header() {
  const auto& cols = scanner_.fields();
  const auto& fields = schema_->fields();
  header_columns_ = cols.size();
  field_of_column_.assign(cols.size(), -1);
  std::vector<bool> seen(fields.size(), false);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    int f = schema_->index_of(cols[c].text);
    if (f < 0 || seen[static_cast<std::size_t>(f)]) continue; // unknown or repeated: ignored
    seen[static_cast<std::size_t>(f)] = true;
    field_of_column_[c] = f;
  }
  absent_.clear();
  for (std::size_t f = 0; f < fields.size(); ++f)
    if (!seen[f]) absent_.push_back(f);
  header_pending_ = false;
}

parse_outcome csv_record_reader::parse(std::string_view /*record: scanned already*/,
                                       core::batch_builder& out, std::string& reason) {
  const auto& cols = scanner_.fields();
  if (header_pending_) {
    read_header();
    return parse_outcome::skipped;
  }
  bool blank = cols.size() == 1 && cols[0].text.empty() && !cols[0].quoted;
  if (blank && header_columns_ != 1) return parse_outcome::skipped;
  if (cols.size() != header_columns_) {
    reason = "expected " + std::to_string(header_columns_) + " fields as in the header, got "
             + std::to_string(cols.size());
    return parse_outcome::error;
  }
  const std::size_t rows = out.rows();
  const auto& fields = schema_->fields();
  for (std::size_t c = 0; c < cols.size(); ++c) {
    int f = field_of_column_[c];
    if (f < 0) continue;
    auto fi = static_cast<std::size_t>(f);
    if (!append_field(out.column_at(fi), fields[fi].type, cols[c], parse_time_, reason)) {
      truncate_rows(out, rows, fields.size());
      reason = "field '" + fields[fi].name + "': " + reason;
      return parse_outcome::error;
    }
  }
  for (auto f : absent_) out.column_at(f).append_null();
  return parse_outcome::row;
}

} // namespace sluice::ops::source
