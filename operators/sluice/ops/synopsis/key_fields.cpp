#include "sluice/ops/synopsis/key_fields.hpp"

#include <set>

#include "sluice/core/errors.hpp"

namespace sluice::ops::synopsis {

key_fields::key_fields(const std::vector<std::string>& names, const core::schema& input,
                       const std::string& param) {
  std::set<std::string> seen;
  for (const auto& name : names) {
    const int i = input.index_of(name);
    if (i < 0)
      throw core::param_error(param,
                              "no field '" + name + "' in the input (" + input.to_string() + ")");
    if (!seen.insert(name).second)
      throw core::param_error(param, "field '" + name + "' is listed twice");
    indexes_.push_back(static_cast<std::size_t>(i));
    fields_.push_back(input.at(static_cast<std::size_t>(i)));
    types_.push_back(fields_.back().type);
  }
}

void key_fields::encode(const core::batch& b, std::size_t row, std::string& out) const {
  out.clear();
  core::append_key(b, indexes_, row, out);
}

void key_fields::decode(std::string_view bytes, core::batch_builder& out, std::size_t first) const {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    core::read_value_key(bytes, fields_[i].type, out.column_at(first + i));
}

void check_unique_names(const std::vector<core::field>& fields, const std::string& param) {
  std::set<std::string> seen;
  for (const auto& f : fields)
    if (!seen.insert(f.name).second)
      throw core::param_error(param, "output field '" + f.name
                                       + "' would appear twice: rename the input field");
}

} // namespace sluice::ops::synopsis
