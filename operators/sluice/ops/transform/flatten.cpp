// `transform.flatten`: splits the string field `split` at every `separator`
// and emits one record per part, the other fields repeated. With `trim`
// (default) spaces, tabs, CR and LF around each part are removed; with
// `skip_empty` (default) empty parts (after trimming) are left out, so
// "a,,b," gives "a" and "b". The parts go to field `as`: by default the
// split field itself, replaced in place; another name keeps the split field
// and appends the parts as a new string field (it must not exist yet).
//
// A null value has nothing to split: it gives one record with a null part.
// A record with no part left (an empty string with `skip_empty`) is counted
// as filtered. Output records keep the input order. When every record gives
// exactly one part, the other columns are shared with the input, not copied.

#include "sluice/core/params.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::ops::transform {

namespace {

struct flatten_config {
  std::size_t split = 0; ///< input column split
  bool replace = true;   ///< parts replace column `split`; else appended
  std::string separator;
  bool trim = true;
  bool skip_empty = true;
  core::schema_ptr output;
};

std::string_view trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

class flatten final : public core::simple_transform {
public:
  explicit flatten(flatten_config c) : c_(std::move(c)) {}

  void process(const core::batch_ptr& b, core::emitter& out) override {
    const std::size_t n = b->rows();
    if (n == 0) return;
    const core::column& src = b->col(c_.split);
    auto parts = std::make_shared<core::column>(core::value_type::string);
    parts->reserve(n, src.bytes.size());
    rows_.clear();
    std::size_t empty_records = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (src.is_null(r)) {
        parts->append_null();
        rows_.push_back(static_cast<std::uint32_t>(r));
        continue;
      }
      const std::size_t before = rows_.size();
      std::string_view text = src.string_at(r);
      for (;;) {
        auto at = text.find(c_.separator);
        add_part(*parts, text.substr(0, at), r);
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + c_.separator.size());
      }
      if (rows_.size() == before) ++empty_records;
    }
    if (empty_records) out.filtered(empty_records);
    if (rows_.empty()) return;

    // One part per record in order: the other columns are the input's own.
    const bool identity = rows_.size() == n;
    std::vector<core::column_ptr> cols;
    cols.reserve(c_.output->size());
    for (std::size_t i = 0; i < b->num_columns(); ++i) {
      if (i == c_.split && c_.replace) cols.push_back(parts);
      else if (identity) cols.push_back(b->col_ptr(i));
      else cols.push_back(std::make_shared<const core::column>(core::gather(b->col(i), rows_)));
    }
    if (!c_.replace) cols.push_back(parts);
    out.emit(0, std::make_shared<const core::batch>(c_.output, std::move(cols), rows_.size()));
  }

private:
  void add_part(core::column& parts, std::string_view part, std::size_t row) {
    if (c_.trim) part = trimmed(part);
    if (c_.skip_empty && part.empty()) return;
    parts.append_string(part);
    rows_.push_back(static_cast<std::uint32_t>(row));
  }

  const flatten_config c_;
  std::vector<std::uint32_t> rows_; ///< scratch: input row of each output record
};

} // namespace

core::descriptor flatten_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "transform.flatten";
  d.category = "transform";
  d.summary = "Splits a string field into one record per part";
  d.inputs = {{"in", "records with a string field to split"}};
  d.outputs = {{"out", "one record per part, the other fields repeated"}};
  d.properties = {
    prop("split", param_type::field, "the string field to split").required(),
    prop("separator", param_type::string, "the text between parts (not empty)").def(","),
    prop("as", param_type::string,
         "field for the parts; default the split field itself (replaced); another name keeps "
         "the split field and appends the parts"),
    prop("trim", param_type::boolean, "remove spaces, tabs, CR and LF around each part").def(true),
    prop("skip_empty", param_type::boolean, "leave out empty parts").def(true),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    const auto& input = input_schema(ctx, 0, "in");
    flatten_config c;
    auto name = p.string("split");
    int i = input->index_of(name);
    if (i < 0)
      throw core::param_error("split",
                              "unknown field '" + name + "' (fields: " + input->to_string() + ")");
    c.split = static_cast<std::size_t>(i);
    if (input->at(c.split).type != core::value_type::string)
      throw core::param_error("split", "field '" + name + "' must be a string, got "
                                         + std::string(core::name_of(input->at(c.split).type)));
    c.separator = p.string("separator");
    if (c.separator.empty()) throw core::param_error("separator", "must not be empty");
    c.trim = p.boolean("trim");
    c.skip_empty = p.boolean("skip_empty");
    std::vector<core::field> fields = input->fields();
    auto as = p.has("as") ? p.string("as") : name;
    c.replace = as == name;
    if (!c.replace) {
      if (as.empty()) throw core::param_error("as", "must not be empty");
      if (input->index_of(as) >= 0)
        throw core::param_error("as", "field '" + as + "' already exists in the input");
      fields.push_back({as, core::value_type::string});
    }
    c.output = core::make_schema(std::move(fields));
    auto output = c.output;
    return bound({output}, [c = std::move(c)](const core::operator_context&) {
      return std::make_unique<flatten>(c);
    });
  };
  return d;
}

} // namespace sluice::ops::transform
