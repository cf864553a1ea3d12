#include "sluice/core/operator.hpp"

namespace sluice::core {

schema_ptr error_schema() {
  static const schema_ptr s = make_schema(
    {{"node", value_type::string}, {"reason", value_type::string}, {"record", value_type::string}});
  return s;
}

} // namespace sluice::core
