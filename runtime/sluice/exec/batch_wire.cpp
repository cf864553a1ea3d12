#include "sluice/exec/batch_wire.hpp"

namespace sluice::exec {

wire_batch to_wire(const core::batch& b) {
  wire_batch w;
  w.rows = b.rows();
  for (std::size_t i = 0; i < b.num_columns(); ++i) {
    const auto& c = b.col(i);
    w.names.push_back(b.fields().at(i).name);
    wire_column wc;
    wc.type = static_cast<std::uint8_t>(c.type());
    wc.ints = c.ints;
    wc.doubles = c.doubles;
    wc.bools = c.bools;
    wc.bytes = c.bytes;
    wc.offsets = c.offsets;
    wc.valid = c.valid;
    w.columns.push_back(std::move(wc));
  }
  return w;
}

core::batch_ptr from_wire(const wire_batch& w) {
  if (w.names.size() != w.columns.size()) return nullptr;
  std::vector<core::field> fields;
  std::vector<core::column_ptr> cols;
  for (std::size_t i = 0; i < w.columns.size(); ++i) {
    const auto& wc = w.columns[i];
    if (wc.type > static_cast<std::uint8_t>(core::value_type::timestamp)) return nullptr;
    auto type = static_cast<core::value_type>(wc.type);
    auto c = std::make_shared<core::column>(type);
    c->ints = wc.ints;
    c->doubles = wc.doubles;
    c->bools = wc.bools;
    c->bytes = wc.bytes;
    if (type == core::value_type::string) {
      c->offsets = wc.offsets;
      if (c->offsets.empty() || c->offsets.back() != c->bytes.size()) return nullptr;
      for (std::size_t k = 1; k < c->offsets.size(); ++k)
        if (c->offsets[k] < c->offsets[k - 1]) return nullptr;
    }
    c->valid = wc.valid;
    if (c->size() != w.rows || (!c->valid.empty() && c->valid.size() != w.rows)) return nullptr;
    fields.push_back({w.names[i], type});
    cols.push_back(std::move(c));
  }
  return std::make_shared<const core::batch>(core::make_schema(std::move(fields)), std::move(cols),
                                             w.rows);
}

} // namespace sluice::exec
