#include "sluice/ops/source/nexmark_columns.hpp"

#include "sluice/core/errors.hpp"

namespace sluice::ops::source::nexmark {

projection project(const core::schema_ptr& full, const nlohmann::json* wanted,
                   const std::string& port, const std::vector<std::size_t>& bytes) {
  projection p;
  p.column.assign(full->size(), -1);
  std::vector<bool> keep(full->size(), wanted == nullptr);
  if (wanted) {
    if (!wanted->is_array() || wanted->empty())
      throw core::param_error("fields",
                              "fields." + port + " must be a non-empty list of field names");
    for (const auto& f : *wanted) {
      if (!f.is_string())
        throw core::param_error("fields", "fields." + port + " must list field names (strings)");
      auto name = f.get<std::string>();
      bool found = false;
      for (std::size_t i = 0; i < full->size(); ++i)
        if (full->at(i).name == name) keep[i] = found = true;
      if (!found)
        throw core::param_error("fields", "fields." + port + ": no field '" + name
                                            + "' (fields: " + full->to_string() + ")");
    }
  }
  std::vector<core::field> fields;
  for (std::size_t i = 0; i < full->size(); ++i) {
    if (!keep[i]) continue;
    p.mask |= 1u << i;
    p.column[i] = static_cast<int>(fields.size());
    fields.push_back(full->at(i));
    p.bytes.push_back(bytes[i]);
  }
  p.schema = wanted ? core::make_schema(std::move(fields)) : full;
  return p;
}

} // namespace sluice::ops::source::nexmark
