#include "sluice/core/schema.hpp"

namespace sluice::core {

int schema::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string schema::to_string() const {
  std::string out;
  for (const auto& f : fields_) {
    if (!out.empty()) out += ", ";
    out += f.name;
    out += ':';
    out += name_of(f.type);
  }
  return out;
}

} // namespace sluice::core
