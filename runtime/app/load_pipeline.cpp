#include "load_pipeline.hpp"

#include <iostream>

#include "sluice/core/printable.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::app {

std::optional<core::pipeline::checked_pipeline> load_checked(const std::string& file) {
  core::pipeline::pipeline_document doc;
  try {
    doc = core::pipeline::pipeline_document::load(file);
  } catch (const core::pipeline::document_error& e) {
    std::cerr << core::printable(file) << ": error: " << core::printable(e.what()) << "\n";
    return std::nullopt;
  }
  auto checked = core::pipeline::check(std::move(doc), ops::builtin_registry());
  if (!checked.ok()) {
    for (const auto& d : checked.errors)
      std::cerr << core::printable(file) << ": error: " << core::printable(d.to_string()) << "\n";
    std::cerr << core::printable(file) << ": " << checked.errors.size()
              << (checked.errors.size() == 1 ? " error" : " errors") << "\n";
    return std::nullopt;
  }
  return checked;
}

} // namespace sluice::app
