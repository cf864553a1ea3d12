#include <iostream>

#include "commands.hpp"
#include "load_pipeline.hpp"

namespace sluice::app {

int validate_command(const std::string& file) {
  auto checked = load_checked(file);
  if (!checked) return exit_invalid;
  std::cout << file << ": ok (" << checked->nodes.size() << " nodes, " << checked->edges.size()
            << " edges)\n";
  return exit_ok;
}

} // namespace sluice::app
