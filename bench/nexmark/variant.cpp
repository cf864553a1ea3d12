// Writes a variant of a NEXMark query pipeline for the harness and the
// correctness test (so neither needs jq):
//   nexmark_variant QUERY.json --events N [--sink-file PATH] > VARIANT.json
// sets `events` of every source.nexmark node and, with --sink-file, turns
// the node "out" into a sink.file writing JSON lines to PATH.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: nexmark_variant QUERY.json [--events N] [--sink-file PATH]\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 1;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    std::cerr << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string opt = argv[i], value = argv[i + 1];
    for (auto& node : doc.at("nodes")) {
      if (opt == "--events" && node.value("kind", "") == "source.nexmark")
        node["params"]["events"] = std::stoull(value);
      else if (opt == "--sink-file" && node.value("id", "") == "out")
        node = {{"id", "out"}, {"kind", "sink.file"}, {"params", {{"path", value}}}};
    }
    if (opt != "--events" && opt != "--sink-file") {
      std::cerr << "unknown option " << opt << "\n";
      return 2;
    }
  }
  std::cout << doc.dump(2) << "\n";
  return 0;
}
