#include <iostream>

#include "commands.hpp"
#include "sluice/ops/builtin.hpp"

namespace sluice::app {

namespace {

void print_text(const nlohmann::json& catalog) {
  std::string category;
  for (const auto& op : catalog) {
    if (op["category"] != category) {
      category = op["category"];
      std::cout << (category.empty() ? "" : "\n") << category << "\n";
    }
    std::cout << "  " << op["kind"].get<std::string>() << "  —  "
              << op["summary"].get<std::string>() << "\n";
    auto ports = [](const nlohmann::json& list) {
      std::string s;
      for (const auto& p : list) s += (s.empty() ? "" : ", ") + p["name"].get<std::string>();
      return s.empty() ? std::string("none") : s;
    };
    std::cout << "      inputs: " << ports(op["inputs"]) << "; outputs: " << ports(op["outputs"])
              << "\n";
    for (const auto& p : op["properties"]) {
      std::cout << "      " << p["name"].get<std::string>() << " (" << p["type"].get<std::string>();
      if (p["required"].get<bool>()) std::cout << ", required";
      if (p.contains("default")) std::cout << ", default " << p["default"].dump();
      if (p.contains("choices")) {
        std::string c;
        for (const auto& x : p["choices"]) c += (c.empty() ? "" : "|") + x.get<std::string>();
        std::cout << ", one of " << c;
      }
      if (p.value("shapes_state", false)) std::cout << ", shapes state";
      std::cout << "): " << p["help"].get<std::string>() << "\n";
    }
  }
}

} // namespace

int operators_command(bool json) {
  auto catalog = ops::builtin_registry().catalog();
  if (json) std::cout << catalog.dump(2) << "\n";
  else print_text(catalog);
  return exit_ok;
}

} // namespace sluice::app
