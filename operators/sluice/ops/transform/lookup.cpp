// `transform.lookup`: enriches each record with columns of a table loaded
// once at start: a CSV file with a header line (`path`), or a table of a
// SQLite database (`path` plus `table`).
//
// `on` pairs stream fields with table columns: a list whose entries are a
// name used on both sides or a pair [stream_field, table_column] (a single
// string is one same-name key). `fields` lists the table columns to add
// (default: every column that is not a key), appended after the input
// fields, each named `prefix` + column name; a name already in the input
// is a param error.
//
// Column types: a key column takes the type of the stream field it is
// paired with (its values are read as that type). The others come from
// `schema` ({"column": "int" | "double" | "bool" | "string" | "timestamp"})
// where given, else from the source: CSV columns are inferred from the
// first 1000 rows (int if every value is an integer, else double if every
// value is a number, else string); SQLite columns follow the declared type
// (…INT… int; …CHAR…, …CLOB…, …TEXT… string; …REAL…, …FLOA…, …DOUB…,
// NUMERIC, DECIMAL double; BOOL… bool; TIMESTAMP, DATETIME timestamp, as
// ISO-8601 text or integer microseconds; anything else string). An empty
// unquoted CSV field and a SQL NULL are null.
//
// The factory reads only the header or the table's columns (and the CSV
// inference rows); `open()` loads the rows. A value that does not convert
// makes open() fail, naming the line or row and the column. Of table rows
// with equal keys the first wins; null keys never match.
//
// `unmatched`: "null" (default) emits the record with nulls in the added
// fields; "drop" drops it (counted as filtered); "error" sends it to the
// node's errors. Input columns are shared with the output, not copied,
// when no record is dropped.

#include <algorithm>

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/transform/lookup_source.hpp"
#include "sluice/ops/transform/lookup_table.hpp"

namespace sluice::ops::transform {

namespace {

enum class unmatched_mode { null, drop, error };

struct lookup_config {
  lookup_source source;
  std::vector<std::size_t> stream_keys; ///< input columns, paired with wanted[0..keys)
  std::vector<core::field> wanted;      ///< table key columns, then the added ones
  unmatched_mode unmatched = unmatched_mode::null;
  core::schema_ptr output;
  std::string reason; ///< for unmatched records sent to errors
};

class lookup final : public core::simple_transform {
public:
  explicit lookup(lookup_config c) : c_(std::move(c)), key_cols_(c_.stream_keys.size(), nullptr) {}

  void open() override {
    if (loaded_) return;
    table_ = lookup_table(load_source(c_.source, c_.wanted), c_.stream_keys.size());
    loaded_ = true;
  }

  void process(const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    open();
    for (std::size_t k = 0; k < c_.stream_keys.size(); ++k)
      key_cols_[k] = &b->col(c_.stream_keys[k]);
    table_.match(key_cols_, n, match_);

    keep_.clear();
    std::size_t unmatched = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (match_[r] != lookup_table::no_match) continue;
      if (c_.unmatched == unmatched_mode::null) match_[r] = table_.null_row();
      else ++unmatched;
    }
    if (unmatched) {
      for (std::size_t r = 0; r < n; ++r) {
        if (match_[r] != lookup_table::no_match) {
          keep_.push_back(static_cast<std::uint32_t>(r));
          match_[keep_.size() - 1] = match_[r];
        } else if (c_.unmatched == unmatched_mode::error) {
          out.error(*b, r, c_.reason);
        }
      }
      match_.resize(keep_.size());
      if (c_.unmatched == unmatched_mode::drop) out.filtered(unmatched);
      if (keep_.empty()) return;
    }

    std::vector<core::column_ptr> cols;
    cols.reserve(c_.output->size());
    for (std::size_t i = 0; i < b->num_columns(); ++i)
      cols.push_back(unmatched
                       ? std::make_shared<const core::column>(core::gather(b->col(i), keep_))
                       : b->col_ptr(i));
    for (std::size_t v = 0; v + c_.stream_keys.size() < c_.wanted.size(); ++v)
      cols.push_back(std::make_shared<const core::column>(core::gather(table_.value(v), match_)));
    out.emit(0, std::make_shared<const core::batch>(c_.output, std::move(cols), match_.size()));
  }

private:
  const lookup_config c_;
  lookup_table table_;
  bool loaded_ = false;
  // scratch
  std::vector<const core::column*> key_cols_;
  std::vector<std::uint32_t> match_, keep_;
};

const core::field* find_field(const std::vector<core::field>& fields, const std::string& name) {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

std::string names_of(const std::vector<core::field>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
}

/// `schema` overrides on the table's column types.
void apply_schema(const nlohmann::json& j, std::vector<core::field>& columns) {
  if (j.is_null()) return;
  if (!j.is_object())
    throw core::param_error("schema",
                            "must be an object of column name to type, e.g. {\"age\": \"int\"}");
  for (const auto& [name, type] : j.items()) {
    auto f = std::find_if(columns.begin(), columns.end(),
                          [&n = name](const auto& c) { return c.name == n; });
    if (f == columns.end())
      throw core::param_error("schema", "the table has no column '" + name
                                          + "' (columns: " + names_of(columns) + ")");
    auto t = type.is_string() ? core::parse_value_type(type.get<std::string>()) : std::nullopt;
    if (!t)
      throw core::param_error("schema", "column '" + name
                                          + "': type must be one of int, double, "
                                            "bool, string, timestamp, got "
                                          + type.dump());
    f->type = *t;
  }
}

/// `on` as (stream field, table column) name pairs.
std::vector<std::pair<std::string, std::string>> parse_on(const nlohmann::json& j) {
  std::vector<std::pair<std::string, std::string>> pairs;
  auto bad = [] {
    return core::param_error("on", "must be a field name or a list of names and "
                                   "[stream_field, table_column] pairs");
  };
  if (j.is_string()) return {{j.get<std::string>(), j.get<std::string>()}};
  if (!j.is_array() || j.empty()) throw bad();
  for (const auto& e : j) {
    if (e.is_string()) pairs.emplace_back(e.get<std::string>(), e.get<std::string>());
    else if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string())
      pairs.emplace_back(e[0].get<std::string>(), e[1].get<std::string>());
    else throw bad();
  }
  return pairs;
}

lookup_config make_config(const core::params& p, const core::schema& input) {
  lookup_config c;
  c.source.path = p.string("path");
  if (p.has("table")) {
    c.source.table = p.string("table");
    if (c.source.table.empty()) throw core::param_error("table", "must not be empty");
  }
  auto columns = describe_source(c.source);
  apply_schema(p.json("schema"), columns);
  const auto& declared = p.json("schema");

  for (const auto& [stream, table] : parse_on(p.json("on"))) {
    int i = input.index_of(stream);
    if (i < 0)
      throw core::param_error("on", "the input has no field '" + stream
                                      + "' (fields: " + input.to_string() + ")");
    const core::field* col = find_field(columns, table);
    if (!col)
      throw core::param_error("on", "the table has no column '" + table
                                      + "' (columns: " + names_of(columns) + ")");
    if (find_field(c.wanted, table))
      throw core::param_error("on", "table column '" + table + "' is paired twice");
    auto type = input.at(static_cast<std::size_t>(i)).type;
    if (declared.is_object() && declared.contains(table) && col->type != type)
      throw core::param_error("schema", "key column '" + table + "' is paired with the "
                                          + std::string(core::name_of(type)) + " field '" + stream
                                          + "' and must have its type");
    c.stream_keys.push_back(static_cast<std::size_t>(i));
    c.wanted.push_back({table, type});
  }
  const std::size_t keys = c.wanted.size();

  std::vector<std::string> fields;
  if (p.has("fields")) {
    fields = p.strings("fields");
  } else {
    for (const auto& col : columns)
      if (!std::any_of(c.wanted.begin(), c.wanted.end(),
                       [&](const auto& k) { return k.name == col.name; }))
        fields.push_back(col.name);
  }
  std::vector<core::field> out = input.fields();
  const auto prefix = p.string("prefix");
  for (const auto& name : fields) {
    const core::field* col = find_field(columns, name);
    if (!col)
      throw core::param_error("fields", "the table has no column '" + name
                                          + "' (columns: " + names_of(columns) + ")");
    if (std::find_if(c.wanted.begin() + static_cast<std::ptrdiff_t>(keys), c.wanted.end(),
                     [&](const auto& f) { return f.name == name; })
        != c.wanted.end())
      throw core::param_error("fields", "column '" + name + "' is listed twice");
    if (input.index_of(prefix + name) >= 0)
      throw core::param_error("fields", "field '" + prefix + name
                                          + "' is already in the input: "
                                            "set `prefix` or leave the column out of `fields`");
    c.wanted.push_back(*col);
    out.push_back({prefix + name, col->type});
  }
  c.output = core::make_schema(std::move(out));

  auto mode = p.string("unmatched");
  c.unmatched = mode == "drop"    ? unmatched_mode::drop
                : mode == "error" ? unmatched_mode::error
                                  : unmatched_mode::null;
  c.reason = "no row of the lookup table '" + c.source.path + "'"
             + (c.source.is_sqlite() ? " (table '" + c.source.table + "')" : std::string{})
             + " matches the key";
  return c;
}

} // namespace

core::descriptor lookup_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "transform.lookup";
  d.category = "transform";
  d.summary = "Enriches records from a CSV file or SQLite table loaded at start";
  d.inputs = {{"in", "records, any schema"}};
  d.outputs = {{"out", "the input fields followed by the added table columns"}};
  d.properties = {
    prop("path", param_type::path,
         "CSV file with a header line, or SQLite database if `table` is given")
      .required(),
    prop("table", param_type::string, "SQLite table to read; absent = `path` is a CSV file"),
    prop("on", param_type::json,
         "key pairs: [\"id\"] (same name) or [[\"user_id\", \"id\"]] (stream field, table column)")
      .required(),
    prop("fields", param_type::string_list, "table columns to add; default every non-key column"),
    prop("prefix", param_type::string, "prepended to the names of the added fields").def(""),
    prop("schema", param_type::json,
         "column types, e.g. {\"since\": \"timestamp\"}; others are inferred (CSV) or declared "
         "(SQLite)"),
    prop("unmatched", param_type::choice,
         "records without a match: null (added fields null), drop (filtered), error (to errors)")
      .def("null")
      .choices({"null", "drop", "error"}),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    auto c = make_config(p, *input_schema(ctx, 0, "in"));
    auto output = c.output;
    return bound({output}, [c = std::move(c)](const core::operator_context&) {
      return std::make_unique<lookup>(c);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
