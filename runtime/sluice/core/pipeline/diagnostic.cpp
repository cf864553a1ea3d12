#include "sluice/core/pipeline/validator.hpp"

namespace sluice::core::pipeline {

std::string diagnostic::to_string() const {
  std::string place;
  if (!node.empty()) place = "node '" + node + "'";
  if (!param.empty()) place += (place.empty() ? "" : ": ") + std::string("param '") + param + "'";
  if (position > 0)
    place += (place.empty() ? "" : " ") + std::string("at column ") + std::to_string(position);
  if (!edge.empty()) place += (place.empty() ? "" : ": ") + std::string("edge '") + edge + "'";
  return place.empty() ? message : place + ": " + message;
}

} // namespace sluice::core::pipeline
